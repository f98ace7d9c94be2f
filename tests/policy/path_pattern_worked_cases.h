// path_pattern_worked_cases.h — SPEC 1.2's worked behavior-selection examples as data.
//
// Ordered behaviors B1 `images/*.jpg`, B2 `images/*`, B3 `*.gif`, default `*`. Shared by the
// policy test and the CLI test (`edgesim explain` must select the same behavior).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace edgesim::policy::spec12 {

inline const std::vector<std::string> kPatterns = {"images/*.jpg", "images/*", "*.gif"};

struct Spec12Case {
  std::string name;
  std::string raw_path;  // the viewer's request path, query removed
  std::string matching_path;
  std::string behavior;
};

inline void PrintTo(const Spec12Case& c, std::ostream* os) { *os << c.name; }

inline const std::vector<Spec12Case> kCases = {
    Spec12Case{"Row1_GifUnderImagesTakesB2BeforeB3", "/images/sample.gif", "/images/sample.gif",
               "B2"},
    Spec12Case{"Row2_StarSpansSlash", "/images/2024/05/a.jpg", "/images/2024/05/a.jpg", "B1"},
    // Row 3's `?w=100` is split off by BehaviorTable::Match (behavior_table_test.cc).
    Spec12Case{"Row3_PathWithoutQuery", "/images/pic.jpg", "/images/pic.jpg", "B1"},
    Spec12Case{"Row4_CaseSensitiveDirectory", "/IMAGES/pic.jpg", "/IMAGES/pic.jpg", "default"},
    Spec12Case{"Row5_StarGifSpansSlash", "/x/y/z.gif", "/x/y/z.gif", "B3"},
    Spec12Case{"Row6_CaseSensitiveExtension", "/logo.GIF", "/logo.GIF", "default"},
    Spec12Case{"Row7_DirectoryWithoutSlash", "/images", "/images", "default"},
    Spec12Case{"Row8_StarMatchesZeroChars", "/images/", "/images/", "B2"},
    Spec12Case{"Row9_SlashesCollapsed", "//images//pic.jpg", "/images/pic.jpg", "B1"},
    Spec12Case{"Row10_DotSegmentsRemoved", "/images/../private/doc.gif", "/private/doc.gif", "B3"},
    // UNCONFIRMED which escapes decode (SPEC 1.1 rule 9, SPEC B1).
    Spec12Case{"Row11_UnreservedEscapeDecoded_UNCONFIRMED", "/images/%70ic.jpg", "/images/pic.jpg",
               "B1"}};

}  // namespace edgesim::policy::spec12
