// js_engine.cc — CloudFront Functions on SpiderMonkey 102: the only file that includes jsapi.h.
//
// Per thread: one JSContext with its job queue (promises), a security callback that refuses runtime
// code generation (eval, new Function: SPEC 15.2), and a watchdog thread that pokes the context's
// interrupt callback once a call has run past its budget's worth of wall time; the callback then
// ends the script when the thread's CPU time or the wall-clock cap is spent (SPEC 15.5). Per
// program: its own global (realm) with `console.log` and `require`, so functions never see each
// other's state. The built-in modules are JavaScript kept in this file, plus OpenSSL digests.
#include "core/js_engine.h"

#include <jsapi.h>
#include <jsfriendapi.h>
#include <js/Array.h>
#include <js/CharacterEncoding.h>
#include <js/CompilationAndEvaluation.h>
#include <js/ContextOptions.h>
#include <js/Conversions.h>
#include <js/Exception.h>
#include <js/Initialization.h>
#include <js/Interrupt.h>
#include <js/JSON.h>
#include <js/Modules.h>
#include <js/Promise.h>
#include <js/PropertyAndElement.h>
#include <js/SourceText.h>
#include <js/String.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace edgesim::core {
namespace {

// Each built-in module is a script whose value is a factory `(natives, require) => exports`; the
// factory runs once per program, in the program's realm. Sources follow the module descriptions of
// the runtime pages (SPEC 15.2).
struct BuiltinModule {
  const char* name;
  const char* source;
};

constexpr char kQuerystringModule[] = R"JS((function () {
  function unescape(s) {
    try { return decodeURIComponent(s); } catch (e) { return s; }
  }
  function decodeComponent(s) { return unescape(s.replace(/\+/g, ' ')); }
  function text(v) {
    if (typeof v === 'string') return v;
    if ((typeof v === 'number' && isFinite(v)) || typeof v === 'boolean') return String(v);
    return '';
  }
  function parse(str, sep, eq, options) {
    sep = sep || '&';
    eq = eq || '=';
    const maxKeys = options && typeof options.maxKeys === 'number' ? options.maxKeys : 1000;
    const decode = (options && options.decodeURIComponent) || decodeComponent;
    const out = {};
    if (typeof str !== 'string' || str.length === 0) return out;
    let parts = str.split(sep);
    if (maxKeys > 0) parts = parts.slice(0, maxKeys);
    for (const part of parts) {
      if (!part) continue;
      const at = part.indexOf(eq);
      const key = decode(at >= 0 ? part.slice(0, at) : part);
      const value = at >= 0 ? decode(part.slice(at + eq.length)) : '';
      if (!Object.prototype.hasOwnProperty.call(out, key)) out[key] = value;
      else if (Array.isArray(out[key])) out[key].push(value);
      else out[key] = [out[key], value];
    }
    return out;
  }
  function stringify(obj, sep, eq, options) {
    sep = sep || '&';
    eq = eq || '=';
    const encode = (options && options.encodeURIComponent) || encodeURIComponent;
    if (obj === null || typeof obj !== 'object') return '';
    return Object.keys(obj).map(function (key) {
      const prefix = encode(text(key)) + eq;
      const value = obj[key];
      if (Array.isArray(value)) return value.map(function (v) { return prefix + encode(text(v)); }).join(sep);
      return prefix + encode(text(value));
    }).join(sep);
  }
  return { parse: parse, decode: parse, stringify: stringify, encode: stringify,
           escape: encodeURIComponent, unescape: unescape };
}))JS";

// Bytes travel as "binary strings" (one char per byte, 0-255) between the modules and the natives.
constexpr char kBufferModule[] = R"JS((function () {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function toBase64(bin, url) {
    let out = '';
    for (let i = 0; i < bin.length; i += 3) {
      const n = (bin.charCodeAt(i) << 16) | ((bin.charCodeAt(i + 1) || 0) << 8) | (bin.charCodeAt(i + 2) || 0);
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] +
             (i + 1 < bin.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bin.length ? B64[n & 63] : '=');
    }
    return url ? out.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : out;
  }
  function fromBase64(str) {
    const s = str.replace(/-/g, '+').replace(/_/g, '/').replace(/[^A-Za-z0-9+/]/g, '');
    let out = '';
    for (let i = 0; i < s.length; i += 4) {
      const n = (B64.indexOf(s[i]) << 18) | (B64.indexOf(s[i + 1]) << 12) |
                ((i + 2 < s.length ? B64.indexOf(s[i + 2]) : 0) << 6) | (i + 3 < s.length ? B64.indexOf(s[i + 3]) : 0);
      out += String.fromCharCode((n >> 16) & 255);
      if (i + 2 < s.length) out += String.fromCharCode((n >> 8) & 255);
      if (i + 3 < s.length) out += String.fromCharCode(n & 255);
    }
    return out;
  }
  function toHex(bin) {
    let out = '';
    for (let i = 0; i < bin.length; i++) out += (bin.charCodeAt(i) + 256).toString(16).slice(1);
    return out;
  }
  function fromHex(str) {
    let out = '';
    for (let i = 0; i + 1 < str.length; i += 2) {
      const byte = parseInt(str.substr(i, 2), 16);
      if (isNaN(byte)) break;
      out += String.fromCharCode(byte);
    }
    return out;
  }
  function encode(bin, encoding) {
    switch (encoding || 'utf8') {
      case 'utf8': case 'utf-8':
        try { return decodeURIComponent(escape(bin)); } catch (e) { return bin; }
      case 'latin1': case 'binary': return bin;
      case 'hex': return toHex(bin);
      case 'base64': return toBase64(bin, false);
      case 'base64url': return toBase64(bin, true);
    }
    throw new TypeError('Unknown encoding: ' + encoding);
  }
  function decode(str, encoding) {
    switch (encoding || 'utf8') {
      case 'utf8': case 'utf-8': return unescape(encodeURIComponent(str));
      case 'latin1': case 'binary': return str;
      case 'hex': return fromHex(str);
      case 'base64': case 'base64url': return fromBase64(str);
    }
    throw new TypeError('Unknown encoding: ' + encoding);
  }
  class Buffer extends Uint8Array {
    static fromBinary(bin) {
      const b = new Buffer(bin.length);
      for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i) & 255;
      return b;
    }
    static from(value, encoding) {
      if (typeof value === 'string') return Buffer.fromBinary(decode(value, encoding));
      if (value instanceof ArrayBuffer) return new Buffer(value);
      if (Array.isArray(value) || value instanceof Uint8Array) {
        const b = new Buffer(value.length);
        b.set(value);
        return b;
      }
      throw new TypeError('Buffer.from: unsupported argument');
    }
    static alloc(size, fill) { const b = new Buffer(size); if (fill !== undefined) b.fill(fill); return b; }
    static isBuffer(value) { return value instanceof Buffer; }
    static byteLength(value, encoding) { return typeof value === 'string' ? decode(value, encoding).length : value.length; }
    static concat(list) {
      const b = new Buffer(list.reduce(function (n, x) { return n + x.length; }, 0));
      let at = 0;
      for (const x of list) { b.set(x, at); at += x.length; }
      return b;
    }
    toBinary(start, end) {
      let out = '';
      for (let i = start || 0; i < (end === undefined ? this.length : end); i++) out += String.fromCharCode(this[i]);
      return out;
    }
    toString(encoding, start, end) { return encode(this.toBinary(start, end), encoding); }
    toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
  }
  return { Buffer: Buffer, encode: encode, decode: decode };
}))JS";

// digest() without an encoding: a binary string in cloudfront-js-1.0, a Buffer in 2.0 (SPEC 15.2).
constexpr char kCryptoModule[] = R"JS((function (natives, require) {
  const buffer = require('buffer');
  function bytes(data, encoding) {
    if (typeof data === 'string') return buffer.decode(data, encoding);
    if (data instanceof Uint8Array) return buffer.Buffer.from(data).toBinary();
    throw new TypeError('The data argument must be a string or a Buffer');
  }
  function hash(algorithm, key) {
    natives.digest(algorithm, key, '');  // throws for an unknown algorithm
    const parts = [];
    let done = false;
    return {
      update: function (data, encoding) {
        if (done) throw new Error('Digest already called');
        parts.push(bytes(data, encoding));
        return this;
      },
      digest: function (encoding) {
        if (done) throw new Error('Digest already called');
        done = true;
        const bin = natives.digest(algorithm, key, parts.join(''));
        if (encoding) return buffer.encode(bin, encoding);
        return natives.digestAsBuffer ? buffer.Buffer.fromBinary(bin) : bin;
      }
    };
  }
  return {
    createHash: function (algorithm) { return hash(algorithm, null); },
    createHmac: function (algorithm, key) { return hash(algorithm, bytes(key)); }
  };
}))JS";

// kvs() reads the function's associated store through the natives, which answer for the call in
// progress (SPEC 15.8); the origin helpers need distribution state the engine does not have.
// Every kvs() method is async: a missing key rejects get(), as the helper page says.
constexpr char kCloudfrontModule[] = R"JS((function (natives, require) {
  function unsupported(name) {
    return function () { throw new Error('cloudfront.' + name + ' is not supported by edgesim'); };
  }
  function kvs(id) {
    const store = id === undefined ? '' : String(id);
    return {
      get: async function (key, options) {
        const format = options && options.format !== undefined ? options.format : 'string';
        if (format !== 'string' && format !== 'json' && format !== 'bytes') {
          throw new Error('Unknown format: ' + format);
        }
        const value = natives.kvsGet(store, String(key));
        if (value === null) throw new Error('Key not found: ' + key);
        if (format === 'json') return JSON.parse(value);
        return format === 'bytes' ? require('buffer').Buffer.from(value, 'utf8') : value;
      },
      exists: async function (key) { return natives.kvsGet(store, String(key)) !== null; },
      meta: async function () { return JSON.parse(natives.kvsMeta(store)); }
    };
  }
  return { kvs: kvs, updateRequestOrigin: unsupported('updateRequestOrigin'),
           selectRequestOriginById: unsupported('selectRequestOriginById'),
           createRequestOriginGroup: unsupported('createRequestOriginGroup') };
}))JS";

// Replaces the global Date: every "now" of one invocation is the invocation's start (SPEC 15.2).
constexpr char kFrozenDate[] = R"JS((function (natives) {
  const RealDate = Date;
  function FrozenDate(...args) {
    if (!new.target) return new RealDate(natives.invocationTime()).toString();
    return args.length === 0 ? new RealDate(natives.invocationTime()) : new RealDate(...args);
  }
  FrozenDate.prototype = RealDate.prototype;
  FrozenDate.now = function () { return natives.invocationTime(); };
  FrozenDate.UTC = RealDate.UTC;
  FrozenDate.parse = RealDate.parse;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: FrozenDate, writable: true, configurable: true });
  return FrozenDate;
}))JS";

constexpr BuiltinModule kBuiltinModules[] = {
    {"querystring", kQuerystringModule},
    {"buffer", kBufferModule},
    {"crypto", kCryptoModule},
    {"cloudfront", kCloudfrontModule},
};

const BuiltinModule* FindBuiltin(absl::string_view name) {
  for (const BuiltinModule& m : kBuiltinModules) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

// Programs kept per thread; beyond it the least recently used goes (a recompile costs ~0.2 ms).
constexpr size_t kMaxCachedPrograms = 256;

// Heap per thread, for every function it runs: CloudFront gives each function 2 MB (SPEC 15.5);
// this cap only keeps a runaway allocation from taking the process.
constexpr uint32_t kMaxHeapBytes = 64 * 1024 * 1024;

const JSClass kGlobalClass = {"global", JSCLASS_GLOBAL_FLAGS, &JS::DefaultGlobalClassOps};

bool RefuseCodeGeneration(JSContext*, JS::RuntimeCode, JS::HandleString) { return false; }
const JSSecurityCallbacks kSecurityCallbacks = {RefuseCodeGeneration, nullptr};

absl::Duration ThreadCpuTime() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return absl::DurationFromTimespec(ts);
}

std::string ToUtf8(JSContext* cx, JS::HandleValue v) {
  JS::RootedString s(cx, JS::ToString(cx, v));
  if (!s) {
    JS_ClearPendingException(cx);
    return "<unprintable>";
  }
  JS::UniqueChars c = JS_EncodeStringToUTF8(cx, s);
  return c ? std::string(c.get()) : std::string();
}

// The string's UTF-16 code units, each cut to a byte: the natives' view of a binary string.
std::string BinaryString(JSContext* cx, JS::HandleString s) {
  size_t n = JS_GetStringLength(s);
  std::u16string units(n, u'\0');
  if (!JS_CopyStringChars(cx, mozilla::Range<char16_t>(units.data(), n), s)) return {};
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>(units[i] & 0xff);
  return out;
}

// "SyntaxError: missing ; before statement (line 3)": the error and where, for compile errors.
std::string DescribeException(JSContext* cx, JS::HandleValue exc) {
  std::string text = ToUtf8(cx, exc);
  if (!exc.isObject()) return text;
  JS::RootedObject obj(cx, &exc.toObject());
  JS::RootedValue line(cx);
  if (JS_GetProperty(cx, obj, "lineNumber", &line) && line.isInt32() && line.toInt32() > 0) {
    absl::StrAppend(&text, " (line ", line.toInt32(), ")");
  }
  JS_ClearPendingException(cx);
  return text;
}

bool Utf8ToJsString(JSContext* cx, absl::string_view utf8, JS::MutableHandleString out) {
  out.set(JS_NewStringCopyUTF8N(cx, JS::UTF8Chars(utf8.data(), utf8.size())));
  return out != nullptr;
}

bool AppendUtf16(const char16_t* buf, uint32_t len, void* data) {
  static_cast<std::u16string*>(data)->append(buf, len);
  return true;
}

// Property keys made before: events repeat the same few names ("value", "headers", header names),
// so each is atomized once per engine and pinned, which keeps it valid without rooting. Bounded:
// past kMaxKeys (a viewer may send any header names) keys are made per use, as are index-like
// ones (an index is not an atom key) and those that are not ASCII.
class JsKeyCache {
 public:
  bool Get(JSContext* cx, absl::string_view name, JS::MutableHandleId id) {
    if (auto it = ids_.find(name); it != ids_.end()) {
      id.set(it->second);
      return true;
    }
    const bool cacheable =
        ids_.size() < kMaxKeys && name.size() <= kMaxKeyBytes && !name.empty() &&
        !absl::ascii_isdigit(static_cast<unsigned char>(name.front())) &&
        std::all_of(name.begin(), name.end(),
                    [](char c) { return c != 0 && static_cast<unsigned char>(c) < 0x80; });
    if (!cacheable) return false;
    JSString* atom = JS_AtomizeAndPinStringN(cx, name.data(), name.size());
    if (atom == nullptr) return false;
    id.set(JS::PropertyKey::fromPinnedString(atom));
    ids_.emplace(name, id.get());
    return true;
  }

 private:
  static constexpr size_t kMaxKeys = 1024;
  static constexpr size_t kMaxKeyBytes = 64;
  absl::flat_hash_map<std::string, jsid> ids_;
};

// Builds the visited value as the engine's own objects, as JS_ParseJSON would from its JSON text:
// plain objects and arrays whose members are writable, enumerable and configurable.
class JsValueBuilder final : public policy::FunctionValueVisitor {
 public:
  JsValueBuilder(JSContext* cx, JsKeyCache& keys)
      : cx_(cx), keys_(keys), root_(cx), open_(cx), key_(cx) {}

  void Null() override { PutValue(JS::NullValue()); }
  void Bool(bool value) override { PutValue(JS::BooleanValue(value)); }
  void Number(double value) override { PutValue(JS::NumberValue(value)); }
  void String(absl::string_view utf8) override {
    JSString* s = NewString(utf8);
    if (s == nullptr) {
      ok_ = false;
      return;
    }
    PutValue(JS::StringValue(s));
  }
  void BeginObject() override { Open(JS_NewPlainObject(cx_), kObject); }
  void BeginArray() override { Open(JS::NewArrayObject(cx_, 0), 0); }
  void Key(absl::string_view name) override {
    if (!ok_ || keys_.Get(cx_, name, &key_)) return;
    JS::RootedString s(cx_, NewString(name));
    ok_ = s && JS_StringToId(cx_, s, &key_);
  }
  void EndObject() override { Close(); }
  void EndArray() override { Close(); }

  // The value, or false with the engine's exception pending (out of memory, or text that is not
  // UTF-8).
  bool Take(JS::MutableHandleValue value) {
    if (!ok_) return false;
    value.set(root_);
    return true;
  }

 private:
  JSString* NewString(absl::string_view text) {
    const absl::string_view utf8 = policy::ReplaceBadUtf8(text, scratch_);
    return utf8.data() == text.data()  // ASCII: Latin-1 is cheaper to make
               ? JS_NewStringCopyN(cx_, utf8.data(), utf8.size())
               : JS_NewStringCopyUTF8N(cx_, JS::UTF8Chars(utf8.data(), utf8.size()));
  }
  // next_index_'s entry for an object.
  static constexpr int64_t kObject = -1;

  void Open(JSObject* container, int64_t first_index) {
    if (container == nullptr) {
      ok_ = false;
      return;
    }
    JS::RootedValue v(cx_, JS::ObjectValue(*container));
    Put(v);
    if (!ok_ || !open_.append(v)) {
      ok_ = false;
      return;
    }
    next_index_.push_back(first_index);
  }
  void Close() {
    if (!ok_) return;
    open_.popBack();
    next_index_.pop_back();
  }
  void Put(JS::HandleValue v) {
    if (!ok_) return;
    if (open_.empty()) {
      root_.set(v);
      return;
    }
    JS::RootedObject parent(cx_, &open_.back().toObject());
    int64_t& index = next_index_.back();
    ok_ = index == kObject
              ? JS_DefinePropertyById(cx_, parent, key_, v, JSPROP_ENUMERATE)
              : JS_DefineElement(cx_, parent, static_cast<uint32_t>(index++), v, JSPROP_ENUMERATE);
  }
  void PutValue(const JS::Value& v) {
    JS::RootedValue rooted(cx_, v);
    Put(rooted);
  }
  JSContext* cx_;
  JsKeyCache& keys_;
  bool ok_ = true;
  JS::RootedValue root_;
  JS::RootedValueVector open_;
  std::string scratch_;
  // Per open container: an array's next index, or kObject (its next member is `key_`).
  std::vector<int64_t> next_index_;
  JS::RootedId key_;
};

// Reads the handler's value as JSON.stringify would see it. The reader records it first, so that a
// value it leaves to JSON.stringify (a toJSON method, a Date, a Map, a proxy, a BigInt, a cycle)
// can start over from its JSON text with nothing half visited. (A getter the reader ran before
// giving up then runs a second time, under JSON.stringify.)
class JsValueReader {
 public:
  enum class Outcome { kRead, kThrew, kNeedsStringify, kNotUnicode };

  JsValueReader(JSContext* cx, JsKeyCache* keys) : cx_(cx), keys_(keys) {}

  // `parsed`: the value is JSON.parse's, so plain and acyclic; it is read to any depth JSON.stringify
  // wrote (up to kMaxParsedDepth, which keeps this recursion's stack bounded).
  Outcome Read(JS::HandleValue value, bool parsed) {
    tokens_.clear();
    text_.clear();
    max_depth_ = parsed ? kMaxParsedDepth : kMaxDepth;
    return Value(value, 0);
  }

  void Replay(policy::FunctionValueVisitor& visitor) const {
    for (const Token& t : tokens_) {
      const absl::string_view text(text_.data() + t.offset, t.size);
      switch (t.op) {
        case Op::kNull: visitor.Null(); break;
        case Op::kFalse: visitor.Bool(false); break;
        case Op::kTrue: visitor.Bool(true); break;
        case Op::kNumber: visitor.Number(t.number); break;
        case Op::kString: visitor.String(text); break;
        case Op::kKey: visitor.Key(text); break;
        case Op::kBeginObject: visitor.BeginObject(); break;
        case Op::kEndObject: visitor.EndObject(); break;
        case Op::kBeginArray: visitor.BeginArray(); break;
        case Op::kEndArray: visitor.EndArray(); break;
      }
    }
  }

  // JSON.stringify leaves these out of an object and writes null for them in an array.
  static bool HasNoJsonForm(const JS::Value& v) {
    return v.isUndefined() || v.isSymbol() || (v.isObject() && JS::IsCallable(&v.toObject()));
  }

 private:
  enum class Op : uint8_t {
    kNull, kFalse, kTrue, kNumber, kString, kKey, kBeginObject, kEndObject, kBeginArray, kEndArray
  };
  struct Token {
    Op op;
    double number = 0;
    size_t offset = 0;
    size_t size = 0;
  };
  // Deeper than this, JSON.stringify itself takes over (and throws on a cycle, as before).
  static constexpr int kMaxDepth = 64;
  static constexpr int kMaxParsedDepth = 1000;

  void Push(Op op, double number = 0) { tokens_.push_back({op, number, 0, 0}); }

  Outcome Value(JS::HandleValue v, int depth) {
    if (v.isString()) return Text(v.toString(), Op::kString);
    if (v.isNumber()) {
      Push(Op::kNumber, v.toNumber());
      return Outcome::kRead;
    }
    if (v.isBoolean()) {
      Push(v.toBoolean() ? Op::kTrue : Op::kFalse);
      return Outcome::kRead;
    }
    if (v.isNull()) {
      Push(Op::kNull);
      return Outcome::kRead;
    }
    if (depth >= kMaxParsedDepth) {
      JS_ReportErrorASCII(cx_, "The function's value is nested too deeply");
      return Outcome::kThrew;
    }
    if (!v.isObject() || depth >= max_depth_) return Outcome::kNeedsStringify;  // BigInt, depth
    JS::RootedObject obj(cx_, &v.toObject());
    const char* class_name = JS::GetClass(obj)->name;
    const bool is_array = std::strcmp(class_name, "Array") == 0;
    bool has_to_json = false;
    JS::RootedId to_json(cx_);
    if ((!is_array && std::strcmp(class_name, "Object") != 0) ||
        !keys_->Get(cx_, "toJSON", &to_json) ||
        !JS_HasPropertyById(cx_, obj, to_json, &has_to_json) || has_to_json) {
      return JS_IsExceptionPending(cx_) ? Outcome::kThrew : Outcome::kNeedsStringify;
    }
    return is_array ? Array(obj, depth) : Object(obj, depth);
  }

  Outcome Array(JS::HandleObject obj, int depth) {
    uint32_t length = 0;
    if (!JS::GetArrayLength(cx_, obj, &length)) return Outcome::kThrew;
    Push(Op::kBeginArray);
    JS::RootedValue item(cx_);
    for (uint32_t i = 0; i < length; ++i) {
      if (!JS_GetElement(cx_, obj, i, &item)) return Outcome::kThrew;
      if (HasNoJsonForm(item)) item.setNull();
      if (Outcome o = Value(item, depth + 1); o != Outcome::kRead) return o;
    }
    Push(Op::kEndArray);
    return Outcome::kRead;
  }

  Outcome Object(JS::HandleObject obj, int depth) {
    JS::Rooted<JS::IdVector> ids(cx_, JS::IdVector(cx_));
    if (!JS_Enumerate(cx_, obj, &ids)) return Outcome::kThrew;
    Push(Op::kBeginObject);
    JS::RootedValue member(cx_);
    for (size_t i = 0; i < ids.length(); ++i) {
      if (!JS_GetPropertyById(cx_, obj, ids[i], &member)) return Outcome::kThrew;
      if (HasNoJsonForm(member)) continue;
      if (Outcome o = Key(ids[i]); o != Outcome::kRead) return o;
      if (Outcome o = Value(member, depth + 1); o != Outcome::kRead) return o;
    }
    Push(Op::kEndObject);
    return Outcome::kRead;
  }

  Outcome Key(JS::HandleId id) {
    if (id.isString()) return Text(id.toString(), Op::kKey);
    if (!id.isInt()) return Outcome::kNeedsStringify;  // JS_Enumerate gives no symbols
    const size_t offset = text_.size();
    absl::StrAppend(&text_, id.toInt());
    tokens_.push_back({Op::kKey, 0, offset, text_.size() - offset});
    return Outcome::kRead;
  }

  // Appends the string as UTF-8; a lone surrogate has no UTF-8 (nor a JSON text that reads back).
  Outcome Text(JSString* str, Op op) {
    JS::RootedString rooted(cx_, str);
    JSLinearString* linear = JS_EnsureLinearString(cx_, rooted);
    if (linear == nullptr) return Outcome::kThrew;
    const size_t offset = text_.size();
    JS::AutoCheckCannotGC nogc;
    const size_t length = JS::GetLinearStringLength(linear);
    if (JS::LinearStringHasLatin1Chars(linear)) {
      const JS::Latin1Char* chars = JS::GetLatin1LinearStringChars(nogc, linear);
      const char* bytes = reinterpret_cast<const char*>(chars);
      if (std::all_of(bytes, bytes + length, [](char c) { return c >= 0; })) {
        text_.append(bytes, length);  // ASCII is its own UTF-8
      } else {
        for (size_t i = 0; i < length; ++i) AppendUtf8(chars[i]);
      }
    } else {
      const char16_t* chars = JS::GetTwoByteLinearStringChars(nogc, linear);
      for (size_t i = 0; i < length; ++i) {
        char32_t c = chars[i];
        if (c >= 0xD800 && c <= 0xDFFF) {
          if (c > 0xDBFF || i + 1 == length || chars[i + 1] < 0xDC00 || chars[i + 1] > 0xDFFF) {
            return Outcome::kNotUnicode;
          }
          c = 0x10000 + ((c - 0xD800) << 10) + (chars[++i] - 0xDC00);
        }
        AppendUtf8(c);
      }
    }
    tokens_.push_back({op, 0, offset, text_.size() - offset});
    return Outcome::kRead;
  }

  void AppendUtf8(char32_t c) {
    if (c < 0x80) {
      text_.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      text_.push_back(static_cast<char>(0xC0 | (c >> 6)));
      text_.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      text_.push_back(static_cast<char>(0xE0 | (c >> 12)));
      text_.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      text_.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      text_.push_back(static_cast<char>(0xF0 | (c >> 18)));
      text_.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      text_.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      text_.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }

  JSContext* cx_;
  JsKeyCache* keys_;
  int max_depth_ = kMaxDepth;
  std::vector<Token> tokens_;
  // Every string and key of the value, back to back; tokens point into it.
  std::string text_;
};

// Watches one engine's calls from its own thread. The hot path stores two atomics; the thread
// parks on a condition variable while no call has run for a while, so an idle server costs nothing.
class Watchdog {
 public:
  explicit Watchdog(JSContext* cx) : cx_(cx), thread_([this] { Run(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void Arm(absl::Duration budget) {
    poke_after_ns_.store(NowNs() + absl::ToInt64Nanoseconds(budget));
    armed_.store(true);
    if (parked_.load()) {
      std::lock_guard<std::mutex> lock(mu_);
      cv_.notify_one();
    }
  }
  void Disarm() { armed_.store(false); }

 private:
  static int64_t NowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  void Run() {
    constexpr int kIdleTicksBeforeParking = 100;
    int idle_ticks = 0;
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      if (armed_.load()) {
        idle_ticks = 0;
        // Thread-safe; the interrupt callback on the JS thread decides whether to stop.
        if (NowNs() >= poke_after_ns_.load()) JS_RequestInterruptCallback(cx_);
      } else if (++idle_ticks > kIdleTicksBeforeParking) {
        parked_.store(true);
        cv_.wait(lock, [this] { return stop_ || armed_.load(); });
        parked_.store(false);
        idle_ticks = 0;
        continue;
      }
      cv_.wait_for(lock, std::chrono::milliseconds(1), [this] { return stop_; });
    }
  }

  JSContext* cx_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<bool> armed_{false};
  std::atomic<bool> parked_{false};
  std::atomic<int64_t> poke_after_ns_{0};
  std::thread thread_;
};

void InitEngineOnce() {
  static std::once_flag once;
  // JS_Init before any context. JS_ShutDown at exit stops the engine's helper threads before the
  // library's static destructors run (they crash otherwise); exit runs the main thread's
  // thread_local destructors, so its engine, first. Other threads' engines must be gone by then.
  std::call_once(once, [] {
    if (!JS_Init()) std::abort();
    std::atexit([] { JS_ShutDown(); });
  });
}

}  // namespace

class JsProgram {
 public:
  JsProgram(JSContext* cx, const JsProgramSpec& spec)
      : spec_(spec), global_(cx), handler_(cx), builtin_exports_(cx) {}

  const JsProgramSpec& spec() const { return spec_; }
  JS::PersistentRootedObject& global() { return global_; }
  JS::PersistentRootedValue& handler() { return handler_; }
  JS::PersistentRootedObject& builtin_exports() { return builtin_exports_; }
  std::map<std::string, std::unique_ptr<JS::PersistentRootedObject>>& builtin_module_records() {
    return module_records_;
  }
  absl::Status& compile_status() { return compile_status_; }

 private:
  JsProgramSpec spec_;
  JS::PersistentRootedObject global_;
  JS::PersistentRootedValue handler_;
  // name -> exports of each built-in module loaded so far.
  JS::PersistentRootedObject builtin_exports_;
  // name -> module record wrapping the exports, for `import`.
  std::map<std::string, std::unique_ptr<JS::PersistentRootedObject>> module_records_;
  absl::Status compile_status_;
};

struct JsEngine::Impl {
  JSContext* cx = nullptr;
  std::unique_ptr<Watchdog> watchdog;
  // The call in progress (compile, module evaluation or handler call); null between calls.
  JsProgram* current = nullptr;
  const JsCallLimits* limits = nullptr;
  // Unset until read: at the call's start when measured, else at its first budget check.
  std::optional<absl::Duration> call_cpu_start;
  absl::Time call_wall_start;
  bool budget_exceeded = false;
  JsCallResult* sink = nullptr;
  size_t log_bytes = 0;
  JsKeyCache keys;
  // Reused by every call, so its buffers stay allocated.
  JsValueReader reader{nullptr, nullptr};
  // Most recently used first; the map points into the list.
  std::list<std::pair<std::string, std::unique_ptr<JsProgram>>> programs;
  absl::flat_hash_map<std::string, decltype(programs)::iterator> by_key;

  static Impl& Of(JSContext* cx) { return *static_cast<Impl*>(JS_GetContextPrivate(cx)); }

  Impl() {
    InitEngineOnce();
    cx = JS_NewContext(JS::DefaultHeapMaxBytes);
    if (!cx) std::abort();
    reader = JsValueReader(cx, &keys);
    // The shell's order: job queue, then self-hosted code, before any global exists.
    if (!js::UseInternalJobQueues(cx) || !JS::InitSelfHostedCode(cx)) std::abort();
    JS_SetContextPrivate(cx, this);
    JS::ContextOptionsRef(cx).setWasm(false);
    JS_SetGCParameter(cx, JSGC_MAX_BYTES, kMaxHeapBytes);
    JS::SetModuleResolveHook(JS_GetRuntime(cx), ResolveModule);
    JS_SetSecurityCallbacks(cx, &kSecurityCallbacks);
    JS_AddInterruptCallback(cx, OnInterrupt);
    watchdog = std::make_unique<Watchdog>(cx);
  }
  ~Impl() {
    watchdog.reset();
    by_key.clear();
    programs.clear();  // every PersistentRooted before the context goes
    JS_DestroyContext(cx);
  }

  static bool OnInterrupt(JSContext* cx) {
    Impl& self = Of(cx);
    if (self.limits == nullptr) return true;  // a late poke after the call ended
    if (absl::Now() - self.call_wall_start < self.limits->wall_limit) {
      if (!self.call_cpu_start) {
        self.call_cpu_start = ThreadCpuTime();  // the budget counts from here (JsCallLimits)
        return true;
      }
      if (ThreadCpuTime() - *self.call_cpu_start < self.limits->cpu_budget) return true;
    }
    self.budget_exceeded = true;
    return false;  // uncatchable: the script stops
  }

  // Runs `body` as one budgeted call in `program`'s realm.
  template <typename Body>
  void Budgeted(JsProgram& program, const JsCallLimits& call_limits, JsCallResult& result,
                Body body) {
    current = &program;
    limits = &call_limits;
    sink = &result;
    log_bytes = 0;
    budget_exceeded = false;
    call_wall_start = absl::Now();
    call_cpu_start.reset();
    if (call_limits.measure_cpu_time) call_cpu_start = ThreadCpuTime();
    watchdog->Arm(call_limits.cpu_budget);
    body();
    watchdog->Disarm();
    if (call_limits.measure_cpu_time) result.cpu_time = ThreadCpuTime() - *call_cpu_start;
    limits = nullptr;
    sink = nullptr;
    current = nullptr;
  }
  static bool ConsoleLog(JSContext* cx, unsigned argc, JS::Value* vp) {
    JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
    Impl& self = Of(cx);
    std::string line;
    for (unsigned i = 0; i < args.length(); ++i) {
      if (i) line += ' ';
      line += ToUtf8(cx, args[i]);
    }
    args.rval().setUndefined();
    if (self.sink == nullptr) return true;
    if (self.log_bytes + line.size() > self.limits->max_log_bytes) {
      self.sink->logs_truncated = true;
      return true;
    }
    self.log_bytes += line.size();
    self.sink->logs.push_back(std::move(line));
    return true;
  }

  // require(name): a built-in module's exports, loaded once per program. The program's `require`
  // loads what its runtime allows; the modules' own (kForProgram false) loads any built-in.
  template <bool kForProgram>
  static bool Require(JSContext* cx, unsigned argc, JS::Value* vp) {
    JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
    JS::RootedString name(cx, JS::ToString(cx, args.get(0)));
    if (!name) return false;
    JS::UniqueChars utf8 = JS_EncodeStringToUTF8(cx, name);
    JS::RootedObject exports(cx);
    if (!utf8 || !LoadBuiltin(cx, utf8.get(), kForProgram, &exports)) return false;
    args.rval().setObject(*exports);
    return true;
  }

  // Evaluates a factory script (`(natives, require) => value`) and calls it.
  static bool RunFactory(JSContext* cx, const BuiltinModule& script, const JsProgramSpec& spec,
                         JS::MutableHandleValue result) {
    JS::CompileOptions opts(cx);
    opts.setFileAndLine(script.name, 1);
    JS::SourceText<mozilla::Utf8Unit> text;
    JS::RootedValue factory(cx);
    if (!text.init(cx, script.source, std::strlen(script.source), JS::SourceOwnership::Borrowed) ||
        !JS::Evaluate(cx, opts, text, &factory)) {
      return false;
    }
    JS::RootedObject natives(cx, JS_NewPlainObject(cx));
    if (!natives || !JS_DefineFunction(cx, natives, "digest", Digest, 3, 0) ||
        !JS_DefineFunction(cx, natives, "require", Require<false>, 1, 0) ||
        !JS_DefineFunction(cx, natives, "invocationTime", InvocationTime, 0, 0) ||
        !JS_DefineFunction(cx, natives, "kvsGet", KvsGet, 2, 0) ||
        !JS_DefineFunction(cx, natives, "kvsMeta", KvsMeta, 1, 0)) {
      return false;
    }
    const auto& allowed = spec.builtin_modules;
    bool buffer_allowed = std::find(allowed.begin(), allowed.end(), "buffer") != allowed.end();
    JS::RootedValue as_buffer(cx, JS::BooleanValue(buffer_allowed));
    JS::RootedValue require(cx);
    if (!JS_DefineProperty(cx, natives, "digestAsBuffer", as_buffer, 0) ||
        !JS_GetProperty(cx, natives, "require", &require)) {
      return false;
    }
    JS::RootedValueArray<2> factory_args(cx);
    factory_args[0].setObject(*natives);
    factory_args[1].set(require);
    return JS_CallFunctionValue(cx, nullptr, factory, factory_args, result);
  }

  // natives.invocationTime(): the start of the call in progress, in epoch milliseconds.
  static bool InvocationTime(JSContext* cx, unsigned argc, JS::Value* vp) {
    JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
    args.rval().setNumber(static_cast<double>(absl::ToUnixMillis(Of(cx).call_wall_start)));
    return true;
  }

  // The lookup of the call in progress, for the store `store_arg` names ("": the associated one),
  // or null with an exception pending: no store is associated, or another store is named.
  static const KeyValueLookup* KvsFor(JSContext* cx, JS::HandleValue store_arg,
                                      std::string& store_id) {
    const JsCallLimits* limits = Of(cx).limits;
    if (limits == nullptr || limits->key_values == nullptr || limits->key_value_store_id.empty()) {
      JS_ReportErrorASCII(cx, "No key value store is associated with this function");
      return nullptr;
    }
    store_id = ToUtf8(cx, store_arg);
    if (store_id.empty()) store_id = std::string(limits->key_value_store_id);
    if (store_id != limits->key_value_store_id) {
      JS_ReportErrorUTF8(cx, "The key value store %s is not associated with this function",
                         store_id.c_str());
      return nullptr;
    }
    return limits->key_values;
  }

  // natives.kvsGet(store, key): the value (UTF-8 text), or null for a missing key.
  static bool KvsGet(JSContext* cx, unsigned argc, JS::Value* vp) {
    JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
    std::string store_id;
    const KeyValueLookup* kvs = KvsFor(cx, args.get(0), store_id);
    if (kvs == nullptr) return false;
    const std::optional<std::string> value = kvs->Get(store_id, ToUtf8(cx, args.get(1)));
    if (!value.has_value()) {
      args.rval().setNull();
      return true;
    }
    JS::RootedString text(cx);
    if (!Utf8ToJsString(cx, *value, &text)) return false;
    args.rval().setString(text);
    return true;
  }

  // natives.kvsMeta(store): {creationDateTime, lastUpdatedDateTime, keyCount} as JSON text, the
  // times in ISO 8601 as Date.toISOString writes them.
  static bool KvsMeta(JSContext* cx, unsigned argc, JS::Value* vp) {
    JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
    std::string store_id;
    const KeyValueLookup* kvs = KvsFor(cx, args.get(0), store_id);
    if (kvs == nullptr) return false;
    const std::optional<KeyValueStoreMeta> meta = kvs->Meta(store_id);
    if (!meta.has_value()) {
      JS_ReportErrorASCII(cx, "The key value store does not exist");
      return false;
    }
    const auto iso = [](absl::Time t) {
      return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
    };
    const std::string json =
        absl::StrCat(R"({"creationDateTime":")", iso(meta->created), R"(","lastUpdatedDateTime":")",
                     iso(meta->last_updated), R"(","keyCount":)", meta->key_count, "}");
    JS::RootedString text(cx);
    if (!Utf8ToJsString(cx, json, &text)) return false;
    args.rval().setString(text);
    return true;
  }

  static bool LoadBuiltin(JSContext* cx, const std::string& name, bool for_program,
                          JS::MutableHandleObject exports) {
    Impl& self = Of(cx);
    JsProgram& program = *self.current;
    const BuiltinModule* module = FindBuiltin(name);
    const std::vector<std::string>& allowed = program.spec().builtin_modules;
    // The modules may use each other (crypto encodes with buffer) whatever the program may load.
    if (module == nullptr ||
        (for_program && std::find(allowed.begin(), allowed.end(), name) == allowed.end())) {
      JS_ReportErrorUTF8(cx, "Cannot find module '%s'", name.c_str());
      return false;
    }
    JS::RootedObject cache(cx, program.builtin_exports());
    JS::RootedValue cached(cx);
    if (!JS_GetProperty(cx, cache, module->name, &cached)) return false;
    if (cached.isObject()) {
      exports.set(&cached.toObject());
      return true;
    }
    JS::RootedValue result(cx);
    if (!RunFactory(cx, *module, program.spec(), &result)) return false;
    if (!result.isObject() || !JS_SetProperty(cx, cache, module->name, result)) return false;
    exports.set(&result.toObject());
    return true;
  }

  // natives.digest(algorithm, key|null, data): the digest (or HMAC, given a key) as a binary
  // string, by OpenSSL. Algorithms: md5, sha1, sha256 (the runtime pages' list).
  static bool Digest(JSContext* cx, unsigned argc, JS::Value* vp) {
    JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
    JS::RootedString alg_str(cx, JS::ToString(cx, args.get(0)));
    if (!alg_str) return false;
    std::string alg = BinaryString(cx, alg_str);
    const EVP_MD* md = alg == "md5" ? EVP_md5() : alg == "sha1" ? EVP_sha1()
                       : alg == "sha256"  ? EVP_sha256()
                                          : nullptr;
    if (md == nullptr) {
      JS_ReportErrorUTF8(cx, "Digest method not supported: %s", alg.c_str());
      return false;
    }
    JS::RootedString data_str(cx, JS::ToString(cx, args.get(2)));
    if (!data_str) return false;
    std::string data = BinaryString(cx, data_str);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int out_len = 0;
    bool ok;
    if (args.get(1).isString()) {
      JS::RootedString key_str(cx, args.get(1).toString());
      std::string key = BinaryString(cx, key_str);
      ok = HMAC(md, key.data(), static_cast<int>(key.size()),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
                &out_len) != nullptr;
    } else {
      ok = EVP_Digest(data.data(), data.size(), out, &out_len, md, nullptr) == 1;
    }
    if (!ok) {
      JS_ReportErrorASCII(cx, "digest failed");
      return false;
    }
    JSString* result = JS_NewStringCopyN(cx, reinterpret_cast<const char*>(out), out_len);
    if (!result) return false;
    args.rval().setString(result);
    return true;
  }

  // `import x from 'name'`: a module whose default export is the built-in's exports.
  static JSObject* ResolveModule(JSContext* cx, JS::HandleValue, JS::HandleObject request) {
    JS::RootedString spec(cx, JS::GetModuleRequestSpecifier(cx, request));
    if (!spec) return nullptr;
    JS::UniqueChars name = JS_EncodeStringToUTF8(cx, spec);
    if (!name) return nullptr;
    JsProgram& program = *Of(cx).current;
    auto& records = program.builtin_module_records();
    auto it = records.find(name.get());
    if (it != records.end()) return *it->second;
    JS::RootedObject exports(cx);
    if (!LoadBuiltin(cx, name.get(), /*for_program=*/true, &exports)) return nullptr;
    std::string source = absl::StrCat("export default require(", "'", name.get(), "');\n");
    JS::CompileOptions opts(cx);
    opts.setFileAndLine(name.get(), 1);
    JS::SourceText<mozilla::Utf8Unit> text;
    if (!text.init(cx, source.data(), source.size(), JS::SourceOwnership::Borrowed)) return nullptr;
    JS::RootedObject module(cx, JS::CompileModule(cx, opts, text));
    if (!module) return nullptr;
    records[name.get()] = std::make_unique<JS::PersistentRootedObject>(cx, module);
    return module;
  }

  // Takes the pending exception (or the budget's uncatchable stop) into `result`.
  void Fail(JsCallResult& result) {
    JS::RootedValue exc(cx);
    bool has_exception = JS_GetPendingException(cx, &exc);
    JS_ClearPendingException(cx);
    if (budget_exceeded) {
      result.outcome = JsCallResult::Outcome::kBudgetExceeded;
      result.error = "The function exceeded its compute budget";
      return;
    }
    result.outcome = JsCallResult::Outcome::kThrew;
    // Without an exception the engine stopped the script itself (out of memory).
    result.error = has_exception ? DescribeException(cx, exc) : "The function ran out of memory";
  }

  // Waits out a promise by draining the job queue (the handler may be async): its value, or false
  // with the rejection pending.
  bool Settle(JS::MutableHandleValue value) {
    if (!value.isObject()) return true;
    JS::RootedObject promise(cx, &value.toObject());
    if (!JS::IsPromiseObject(promise)) return true;
    js::RunJobs(cx);
    switch (JS::GetPromiseState(promise)) {
      case JS::PromiseState::Fulfilled:
        value.set(JS::GetPromiseResult(promise));
        return true;
      case JS::PromiseState::Rejected: {
        JS::RootedValue why(cx, JS::GetPromiseResult(promise));
        JS_SetPendingException(cx, why);
        return false;
      }
      case JS::PromiseState::Pending:
        if (!budget_exceeded) JS_ReportErrorASCII(cx, "The handler's promise never settled");
        return false;
    }
    return false;
  }

  bool DefineGlobals(JsProgram& program) {
    JS::RootedObject global(cx, program.global());
    JS::RootedObject console(cx, JS_NewPlainObject(cx));
    JS::RootedValue date(cx);
    return console && JS_DefineFunction(cx, console, "log", ConsoleLog, 0, JSPROP_ENUMERATE) &&
           JS_DefineProperty(cx, global, "console", console, 0) &&
           JS_DefineFunction(cx, global, "require", Require<true>, 1, 0) &&
           RunFactory(cx, {"date", kFrozenDate}, program.spec(), &date) &&
           JS_DefineProperty(cx, global, "Date", date, 0);
  }

  // Creates the program's realm, evaluates its source and finds `handler`.
  bool Load(JsProgram& program, JS::MutableHandleValue handler) {
    const JsProgramSpec& spec = program.spec();
    JS::CompileOptions opts(cx);
    opts.setFileAndLine("function.js", 1);
    opts.setForceStrictMode();  // both runtimes are strict (modules are anyway), SPEC 15.2
    JS::SourceText<mozilla::Utf8Unit> text;
    if (!text.init(cx, spec.source.data(), spec.source.size(), JS::SourceOwnership::Borrowed)) {
      return false;
    }
    JS::RootedValue rval(cx);
    JS::RootedObject scope(cx, program.global());
    if (spec.kind == JsSourceKind::kModule) {
      JS::RootedObject module(cx, JS::CompileModule(cx, opts, text));
      if (!module || !JS::ModuleInstantiate(cx, module) || !JS::ModuleEvaluate(cx, module, &rval) ||
          !Settle(&rval)) {
        return false;
      }
      // A module's top-level declarations live in its environment, not on the global.
      scope = JS::GetModuleEnvironment(cx, module);
    } else if (!JS::Evaluate(cx, opts, text, &rval)) {
      return false;
    }
    if (!scope || !JS_GetProperty(cx, scope, "handler", handler)) return false;
    if (!handler.isObject() || !JS::IsCallable(&handler.toObject())) {
      JS_ReportErrorASCII(cx, "The function code does not define a handler function");
      return false;
    }
    return true;
  }

  absl::Status Compile(JsProgram& program, const JsCallLimits& limits) {
    JS::RealmOptions options;
    program.global() =
        JS_NewGlobalObject(cx, &kGlobalClass, nullptr, JS::FireOnNewGlobalHook, options);
    if (!program.global()) return absl::ResourceExhaustedError("cannot create a global");
    JSAutoRealm realm(cx, program.global());
    program.builtin_exports() = JS_NewPlainObject(cx);
    if (!program.builtin_exports() || !DefineGlobals(program)) {
      return absl::ResourceExhaustedError("cannot set up the global");
    }
    JsCallResult result;
    Budgeted(program, limits, result, [&] {
      JS::RootedValue handler(cx);
      if (Load(program, &handler)) {
        program.handler() = handler;
      } else {
        Fail(result);
      }
    });
    if (result.outcome == JsCallResult::Outcome::kBudgetExceeded) {
      return absl::DeadlineExceededError(result.error);
    }
    if (result.outcome == JsCallResult::Outcome::kThrew) {
      return absl::InvalidArgumentError(result.error);
    }
    return absl::OkStatus();
  }

  // One budgeted call of the handler with the event `make_event` builds; `take_value` gets what it
  // returned (unless undefined). Either returns false with the exception pending.
  template <typename MakeEvent, typename TakeValue>
  JsCallResult Call(JsProgram& program, const JsCallLimits& limits, MakeEvent make_event,
                    TakeValue take_value) {
    JsCallResult result;
    Budgeted(program, limits, result,
             [&] { Invoke(program, result, make_event, take_value); });
    return result;
  }

  template <typename MakeEvent, typename TakeValue>
  void Invoke(JsProgram& program, JsCallResult& result, MakeEvent& make_event,
              TakeValue& take_value) {
    JSAutoRealm realm(cx, program.global());
    JS::RootedValueArray<1> args(cx);
    if (!make_event(args[0])) {
      Fail(result);
      return;
    }
    JS::RootedValue handler(cx, program.handler());
    JS::RootedValue rval(cx);
    if (!JS_CallFunctionValue(cx, nullptr, handler, args, &rval) || !Settle(&rval)) {
      Fail(result);
      return;
    }
    if (rval.isUndefined()) return;  // JS_Stringify would write "null"
    if (!take_value(&rval, result)) Fail(result);
  }

  // JSON.stringify's text of `value`; empty when it has none (a function, a toJSON giving
  // undefined).
  bool Stringify(JS::MutableHandleValue value, std::u16string& json) {
    return JS_Stringify(cx, value, nullptr, JS::UndefinedHandleValue, AppendUtf16, &json);
  }

  bool TakeJsonText(JS::MutableHandleValue value, JsCallResult& result) {
    std::u16string json;
    if (!Stringify(value, json)) return false;
    JS::RootedString json_str(cx, JS_NewUCStringCopyN(cx, json.data(), json.size()));
    JS::UniqueChars utf8 = json_str ? JS_EncodeStringToUTF8(cx, json_str) : nullptr;
    if (!utf8) return false;
    result.value_json = utf8.get();
    return true;
  }

  // Visits `value` into `visitor`, straight from the engine's objects; what the reader leaves to
  // JSON.stringify goes through its text, parsed back into plain objects.
  bool TakeVisited(JS::MutableHandleValue value, policy::FunctionValueVisitor& visitor,
                   JsCallResult& result) {
    JsValueReader::Outcome read = reader.Read(value, /*parsed=*/false);
    if (read == JsValueReader::Outcome::kNeedsStringify) {
      std::u16string json;
      if (!Stringify(value, json)) return false;
      if (json.empty()) return true;  // nothing to visit: not an object
      JS::RootedValue parsed(cx);
      if (!JS_ParseJSON(cx, json.data(), static_cast<uint32_t>(json.size()), &parsed)) return false;
      read = reader.Read(parsed, /*parsed=*/true);
    }
    switch (read) {
      case JsValueReader::Outcome::kRead:
        reader.Replay(visitor);
        return true;
      case JsValueReader::Outcome::kNotUnicode:
        result.value_not_unicode = true;
        return true;
      case JsValueReader::Outcome::kThrew:
      case JsValueReader::Outcome::kNeedsStringify:  // parsed JSON is plain: cannot happen
        return false;
    }
    return false;
  }
};

JsEngine::JsEngine() : impl_(std::make_unique<Impl>()) {}
JsEngine::~JsEngine() = default;

JsEngine& JsEngine::ForThisThread() {
  thread_local JsEngine engine;
  return engine;
}

size_t JsEngine::cached_programs() const { return impl_->programs.size(); }

absl::StatusOr<JsProgram*> JsEngine::Program(absl::string_view key, const JsProgramSpec& spec,
                                             const JsCallLimits& limits) {
  return Program(key, [&] { return spec; }, limits);
}

absl::StatusOr<JsProgram*> JsEngine::Program(absl::string_view key,
                                             absl::FunctionRef<JsProgramSpec()> make_spec,
                                             const JsCallLimits& limits) {
  Impl& impl = *impl_;
  auto found = impl.by_key.find(key);
  if (found != impl.by_key.end()) {
    impl.programs.splice(impl.programs.begin(), impl.programs, found->second);
  } else {
    if (impl.programs.size() >= kMaxCachedPrograms) {
      impl.by_key.erase(impl.programs.back().first);
      impl.programs.pop_back();
    }
    const JsProgramSpec spec = make_spec();
    impl.programs.emplace_front(std::string(key), std::make_unique<JsProgram>(impl.cx, spec));
    impl.by_key[key] = impl.programs.begin();
    JsProgram& program = *impl.programs.front().second;
    absl::Status checked = spec.source_check ? spec.source_check(spec.source) : absl::OkStatus();
    program.compile_status() = checked.ok() ? impl.Compile(program, limits) : std::move(checked);
  }
  JsProgram& program = *impl.programs.front().second;
  const absl::Status status = program.compile_status();
  if (absl::IsDeadlineExceeded(status)) {  // out of time, not wrong: the next request tries again
    impl.by_key.erase(impl.programs.front().first);
    impl.programs.pop_front();
  }
  if (!status.ok()) return status;
  return &program;
}

JsCallResult JsEngine::Call(JsProgram& program, absl::string_view event_json,
                            const JsCallLimits& limits) {
  Impl& impl = *impl_;
  return impl.Call(
      program, limits,
      [&](JS::MutableHandleValue event) {
        JS::RootedString text(impl.cx);
        return Utf8ToJsString(impl.cx, event_json, &text) && JS_ParseJSON(impl.cx, text, event);
      },
      [&](JS::MutableHandleValue value, JsCallResult& result) {
        return impl.TakeJsonText(value, result);
      });
}

JsCallResult JsEngine::Call(JsProgram& program,
                            absl::FunctionRef<void(policy::FunctionValueVisitor&)> write_event,
                            policy::FunctionValueVisitor& value, const JsCallLimits& limits) {
  Impl& impl = *impl_;
  return impl.Call(
      program, limits,
      [&](JS::MutableHandleValue event) {
        JsValueBuilder builder(impl.cx, impl.keys);
        write_event(builder);
        return builder.Take(event);
      },
      [&](JS::MutableHandleValue returned, JsCallResult& result) {
        return impl.TakeVisited(returned, value, result);
      });
}

}  // namespace edgesim::core
