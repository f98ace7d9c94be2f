#include "policy/function_runtime_features.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace edgesim::policy {
namespace {

bool IsIdentifierStart(char c) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsIdentifierPart(char c) {
  return IsIdentifierStart(c) || absl::ascii_isdigit(static_cast<unsigned char>(c));
}

// Words after which a `/` starts a regular expression rather than a division.
bool PrecedesExpression(absl::string_view word) {
  static constexpr absl::string_view kWords[] = {"return", "typeof", "case", "do",   "else",
                                                 "in",     "of",     "new",  "delete", "void",
                                                 "throw",  "instanceof"};
  for (absl::string_view w : kWords) {
    if (word == w) return true;
  }
  return false;
}

// A tokenizer just good enough to find keywords: it knows where strings, templates, comments and
// regular expression literals end, and what came before each word.
class FeatureScanner {
 public:
  explicit FeatureScanner(absl::string_view code) : code_(code) {}

  absl::Status Check() {
    while (pos_ < code_.size()) {
      const char c = code_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (code_.substr(pos_, 2) == "//") {
        SkipUntil("\n");
      } else if (code_.substr(pos_, 2) == "/*") {
        pos_ += 2;
        SkipUntil("*/");
        pos_ += 2;
      } else if (c == '"' || c == '\'' || c == '`') {
        SkipQuoted(c);
        Significant(c);
      } else if (c == '/' && RegexMayStart()) {
        SkipRegex();
        Significant('/');
      } else if (IsIdentifierStart(c)) {
        if (absl::Status s = Word(); !s.ok()) return s;
      } else {
        Significant(c);
        ++pos_;
      }
    }
    return absl::OkStatus();
  }

 private:
  void Significant(char c) {
    last_char_ = c;
    last_word_.clear();
  }

  bool RegexMayStart() const {
    if (!last_word_.empty()) return PrecedesExpression(last_word_);
    return last_char_ == '\0' || absl::string_view("(,=:[!&|?{};+-*%<>~^").find(last_char_) !=
                                     absl::string_view::npos;
  }

  // Moves to the start of `end` (or the end of the code), counting lines.
  void SkipUntil(absl::string_view end) {
    while (pos_ < code_.size() && code_.substr(pos_, end.size()) != end) {
      if (code_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  void SkipQuoted(char quote) {
    for (++pos_; pos_ < code_.size() && code_[pos_] != quote; ++pos_) {
      if (code_[pos_] == '\\') ++pos_;
      if (pos_ < code_.size() && code_[pos_] == '\n') ++line_;
    }
    ++pos_;
  }

  void SkipRegex() {
    bool in_class = false;
    for (++pos_; pos_ < code_.size() && code_[pos_] != '\n'; ++pos_) {
      const char c = code_[pos_];
      if (c == '\\') {
        ++pos_;
      } else if (c == '[') {
        in_class = true;
      } else if (c == ']') {
        in_class = false;
      } else if (c == '/' && !in_class) {
        break;
      }
    }
    ++pos_;
    while (pos_ < code_.size() && IsIdentifierPart(code_[pos_])) ++pos_;  // flags
  }

  // The first character after blanks and comments on from `from`.
  char NextAfter(size_t from) const {
    while (from < code_.size()) {
      if (absl::ascii_isspace(static_cast<unsigned char>(code_[from]))) {
        ++from;
      } else if (code_.substr(from, 2) == "//") {
        from = code_.find('\n', from);
      } else if (code_.substr(from, 2) == "/*") {
        from = code_.find("*/", from);
        if (from != absl::string_view::npos) from += 2;
      } else {
        return code_[from];
      }
    }
    return '\0';
  }

  absl::string_view WordAt(size_t from) const {
    while (from < code_.size() && absl::ascii_isspace(static_cast<unsigned char>(code_[from]))) {
      ++from;
    }
    size_t end = from;
    while (end < code_.size() && IsIdentifierPart(code_[end])) ++end;
    return code_.substr(from, end - from);
  }

  absl::Status Word() {
    const size_t start = pos_;
    while (pos_ < code_.size() && IsIdentifierPart(code_[pos_])) ++pos_;
    const absl::string_view word = code_.substr(start, pos_ - start);
    const bool property = last_word_.empty() && last_char_ == '.';
    last_word_ = std::string(word);
    last_char_ = '\0';
    if (property || NextAfter(pos_) == ':') return absl::OkStatus();  // a.let, {const: 1}
    const char next = NextAfter(pos_);
    const bool declares = IsIdentifierStart(next) || next == '[' || next == '{';
    if ((word == "const" || word == "let") && declares) return Unsupported(word);
    if (word == "async" && (WordAt(pos_) == "function" || IsIdentifierStart(next))) {
      return Unsupported(word);
    }
    return absl::OkStatus();
  }

  absl::Status Unsupported(absl::string_view word) const {
    return absl::InvalidArgumentError(absl::StrCat(
        "SyntaxError: ", word, " is not supported in cloudfront-js-1.0 (line ", line_, ")"));
  }

  absl::string_view code_;
  size_t pos_ = 0;
  int line_ = 1;
  char last_char_ = '\0';
  std::string last_word_;
};

}  // namespace

absl::Status CheckRuntimeFeatures(FunctionRuntime runtime, absl::string_view code) {
  if (runtime != FunctionRuntime::kJs1) return absl::OkStatus();
  return FeatureScanner(code).Check();
}

}  // namespace edgesim::policy
