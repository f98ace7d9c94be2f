// invalidation_worked_cases.h — SPEC 6.2's worked invalidation examples as data.
//
// Shared by the policy test and the CLI test (`edgesim explain --invalidate` must agree).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace edgesim::policy::spec62 {

// A cached object as the cache-key module names it for invalidation: the raw request path, plus
// `?query` when query strings are part of the cache key (SPEC 6.2 "Query strings").
struct CachedObject {
  std::string path;
  std::string query;
  bool query_in_key = false;

  std::string KeyPath() const {
    return query_in_key && !query.empty() ? absl::StrCat(path, "?", query) : path;
  }
};

struct Spec62Case {
  std::string name;
  std::string invalidation_path;
  std::vector<CachedObject> objects;
  bool accepted;     // false: the request is rejected with InvalidArgument
  bool invalidated;  // for every object of the row
};

inline void PrintTo(const Spec62Case& c, std::ostream* os) { *os << c.name; }

inline const std::vector<Spec62Case> kCases = {
    // Header variants (gzip, br) share the key path; the invalidation removes all of them.
    Spec62Case{"Row1_ExactPathAllVariants",
               "/a.jpg",
               {{"/a.jpg", "", false}, {"/a.jpg", "", false}},
               true,
               true},
    Spec62Case{
        "Row2_ExactPathMissesQueryVariant", "/a.jpg", {{"/a.jpg", "v=1", true}}, true, false},
    Spec62Case{"Row3_TrailingStarCoversQueryAndLongerNames",
               "/a.jpg*",
               {{"/a.jpg", "v=1", true}, {"/a.jpg.map", "", true}},
               true,
               true},
    Spec62Case{
        "Row4_DirectoryStarSpansSlash", "/images/*", {{"/images/x/y.png", "", false}}, true, true},
    Spec62Case{"Row5_NameStarCoversDirAndSiblings",
               "/images*",
               {{"/images", "", false}, {"/images-old/a.png", "", false}},
               true,
               true},
    Spec62Case{"Row6_CaseSensitive", "/Images/*", {{"/images/a.png", "", false}}, true, false},
    Spec62Case{
        "Row7_InnerStarIsLiteral", "/img/a*b.png", {{"/img/aXb.png", "", false}}, true, false},
    Spec62Case{"Row8_EncodedSpaceMatchesEncodedRequest",
               "/my%20file.txt",
               {{"/my%20file.txt", "", false}},
               true,
               true},
    Spec62Case{"Row9_RawSpaceRejected", "/my file.txt", {}, false, false},
    // `/404.html` stands for a cached error response; `/?x=1` for a query variant of the root.
    Spec62Case{"Row10_SlashStarEverything",
               "/*",
               {{"/", "", false},
                {"/index.html", "", false},
                {"/a/b/c.png", "x=1", true},
                {"/404.html", "", false},
                {"/", "x=1", true}},
               true,
               true}};

}  // namespace edgesim::policy::spec62
