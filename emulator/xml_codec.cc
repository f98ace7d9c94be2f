#include "emulator/xml_codec.h"

#include <cmath>
#include <cstdint>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "emulator/api_error.h"
#include "policy/status_macros.h"

namespace edgesim::emulator {
namespace {

using nlohmann::json;

absl::Status Malformed(absl::string_view message) {
  return MakeApiError("MalformedInput", message);
}

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF): pugixml does not
// check, and nlohmann refuses to print a string that is not.
bool IsUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

absl::string_view LocalName(absl::string_view name) {
  const size_t colon = name.find(':');
  return colon == absl::string_view::npos ? name : name.substr(colon + 1);
}

// Refuses a DOCTYPE anywhere and nesting deeper than kMaxXmlDepth (pugixml's traversal is
// iterative, so a hostile depth cannot exhaust the stack here).
class HostileStructure : public pugi::xml_tree_walker {
 public:
  bool for_each(pugi::xml_node& node) override {
    if (node.type() == pugi::node_doctype) {
      problem_ = "DOCTYPE declarations are not accepted";
    } else if (depth() >= kMaxXmlDepth) {
      problem_ = absl::StrCat("elements are nested deeper than ", kMaxXmlDepth, " levels");
    }
    return problem_.empty();
  }
  const std::string& problem() const { return problem_; }

 private:
  std::string problem_;
};

// The element's character data (text and CDATA children), as written.
std::string Text(pugi::xml_node node) {
  std::string text;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    }
  }
  return text;
}

class Decoder {
 public:
  explicit Decoder(const CloudFrontShapes& model) : model_(model) {}

  absl::StatusOr<json> Decode(pugi::xml_node node, const Shape& shape, const std::string& where) {
    switch (shape.type) {
      case ShapeType::kStructure:
        return Structure(node, shape, where);
      case ShapeType::kList:
        return List(node, shape, where);
      case ShapeType::kInteger:
      case ShapeType::kLong:
        return Integer(node, shape.type == ShapeType::kLong, where);
      case ShapeType::kDouble:
        return Double(node, where);
      case ShapeType::kBoolean:
        return Boolean(node, where);
      case ShapeType::kString:
      case ShapeType::kTimestamp:
      case ShapeType::kBlob:
        return json(Text(node));
    }
    return json();
  }

 private:
  absl::StatusOr<json> Structure(pugi::xml_node node, const Shape& shape,
                                 const std::string& where) {
    json out = json::object();
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      const ShapeMember* member = shape.FindMemberByXmlName(LocalName(child.name()));
      if (member == nullptr) continue;
      EDGESIM_ASSIGN_OR_RETURN(out[member->name],
                               Decode(child, *model_.FindShape(member->shape),
                                      absl::StrCat(where, ".", member->xml_name)));
    }
    return out;
  }

  absl::StatusOr<json> List(pugi::xml_node node, const Shape& shape, const std::string& where) {
    json out = json::array();
    const Shape& item = *model_.FindShape(shape.list_member_shape);
    const std::string item_where = absl::StrCat(where, ".", shape.list_member_name);
    for (pugi::xml_node child : node.children()) {
      if (child.type() != pugi::node_element || LocalName(child.name()) != shape.list_member_name) {
        continue;
      }
      EDGESIM_ASSIGN_OR_RETURN(json value, Decode(child, item, item_where));
      out.push_back(std::move(value));
    }
    return out;
  }

  static absl::StatusOr<json> Integer(pugi::xml_node node, bool is_long, const std::string& where) {
    const std::string text = Text(node);
    const absl::string_view digits = absl::StripAsciiWhitespace(text);
    int64_t value;
    int32_t narrow;
    if (is_long ? !absl::SimpleAtoi(digits, &value) : !absl::SimpleAtoi(digits, &narrow)) {
      return Malformed(
          absl::StrCat(where, ": \"", text, "\" is not ", is_long ? "a long" : "an integer"));
    }
    return is_long ? json(value) : json(narrow);
  }

  static absl::StatusOr<json> Double(pugi::xml_node node, const std::string& where) {
    const std::string text = Text(node);
    double value;
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(text), &value) || !std::isfinite(value)) {
      return Malformed(absl::StrCat(where, ": \"", text, "\" is not a number"));
    }
    return json(value);
  }

  static absl::StatusOr<json> Boolean(pugi::xml_node node, const std::string& where) {
    const std::string text = Text(node);
    const absl::string_view word = absl::StripAsciiWhitespace(text);
    if (word == "true") return json(true);
    if (word == "false") return json(false);
    return Malformed(absl::StrCat(where, ": \"", text, "\" is not a boolean (true or false)"));
  }

  const CloudFrontShapes& model_;
};

void Encode(pugi::xml_node element, const json& value, const Shape& shape,
            const CloudFrontShapes& model) {
  switch (shape.type) {
    case ShapeType::kStructure: {
      if (!value.is_object()) return;
      // CloudFront leaves out Items when Quantity is 0; a list without a count (TestResult's
      // FunctionExecutionLogs) goes as an empty element, which the SDKs read as [].
      const bool counted = absl::c_any_of(
          shape.members, [](const ShapeMember& m) { return m.name == "Quantity"; });
      for (const ShapeMember& member : shape.members) {
        const auto it = value.find(member.name);
        if (it == value.end() || it->is_null()) continue;
        const Shape& sub = *model.FindShape(member.shape);
        if (sub.type == ShapeType::kList && (!it->is_array() || (counted && it->empty()))) {
          continue;
        }
        Encode(element.append_child(member.xml_name.c_str()), *it, sub, model);
      }
      return;
    }
    case ShapeType::kList: {
      const Shape& item = *model.FindShape(shape.list_member_shape);
      for (const json& v : value) {
        Encode(element.append_child(shape.list_member_name.c_str()), v, item, model);
      }
      return;
    }
    default:
      element.text() =
          value.is_string() ? value.get_ref<const std::string&>().c_str() : value.dump().c_str();
  }
}

}  // namespace

absl::StatusOr<json> DecodeXml(absl::string_view body, absl::string_view shape,
                               absl::string_view root, const CloudFrontShapes& model) {
  if (body.size() > kMaxXmlBodyBytes) {
    return Malformed(absl::StrCat("the request body is larger than ", kMaxXmlBodyBytes, " bytes"));
  }
  if (!IsUtf8(body)) return Malformed("the request body is not UTF-8");
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(body.data(), body.size(),
                      pugi::parse_default | pugi::parse_doctype | pugi::parse_ws_pcdata_single,
                      pugi::encoding_utf8);
  if (!parsed) {
    return Malformed(absl::StrCat("the request body is not well-formed XML: ", parsed.description(),
                                  " at offset ", parsed.offset));
  }
  HostileStructure check;
  doc.traverse(check);
  if (!check.problem().empty()) return Malformed(check.problem());
  const pugi::xml_node top = doc.document_element();
  // pugixml reads a sequence of elements as a document; XML allows one root.
  for (pugi::xml_node n = top.next_sibling(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element) return Malformed("the document has more than one root");
  }
  if (LocalName(top.name()) != root) {
    return Malformed(absl::StrCat("the root element is <", top.name(), ">, expected <", root, ">"));
  }
  return Decoder(model).Decode(top, *model.FindShape(shape), std::string(root));
}

std::string EncodeXml(const json& value, absl::string_view shape, absl::string_view root,
                      const CloudFrontShapes& model) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node top = doc.append_child(std::string(root).c_str());
  top.append_attribute("xmlns") = std::string(kCloudFrontXmlNamespace).c_str();
  Encode(top, value, *model.FindShape(shape), model);
  return XmlDocumentText(doc);
}

std::string XmlDocumentText(const pugi::xml_document& doc) {
  struct Writer : pugi::xml_writer {
    std::string out;
    void write(const void* data, size_t size) override {
      out.append(static_cast<const char*>(data), size);
    }
  } writer;
  doc.save(writer, "", pugi::format_raw);
  return std::move(writer.out);
}

}  // namespace edgesim::emulator
