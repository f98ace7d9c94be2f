#include "emulator/cloudfront_shapes.h"

#include <stdexcept>

#include "nlohmann/json.hpp"

namespace edgesim::emulator {

// emulator/cloudfront_shapes.json, embedded by CMakeLists.txt (a generated .cc).
extern const char kCloudFrontShapesJson[];

namespace {

ShapeType ParseType(const std::string& type) {
  static const std::map<std::string, ShapeType, std::less<>> kTypes = {
      {"structure", ShapeType::kStructure}, {"list", ShapeType::kList},
      {"string", ShapeType::kString},       {"integer", ShapeType::kInteger},
      {"long", ShapeType::kLong},           {"double", ShapeType::kDouble},
      {"boolean", ShapeType::kBoolean},     {"timestamp", ShapeType::kTimestamp},
      {"blob", ShapeType::kBlob}};
  const auto it = kTypes.find(type);
  if (it == kTypes.end()) throw std::invalid_argument("unknown shape type " + type);
  return it->second;
}

std::string StringOrEmpty(const nlohmann::json& j) {
  return j.is_string() ? j.get<std::string>() : std::string();
}

}  // namespace

const ShapeMember* Shape::FindMember(absl::string_view member_name) const {
  for (const ShapeMember& m : members) {
    if (m.name == member_name) return &m;
  }
  return nullptr;
}

const ShapeMember* Shape::FindMemberByXmlName(absl::string_view element) const {
  for (const ShapeMember& m : members) {
    if (m.xml_name == element) return &m;
  }
  return nullptr;
}

const CloudFrontShapes& CloudFrontShapes::Get() {
  static const CloudFrontShapes* const kModel = new CloudFrontShapes(kCloudFrontShapesJson);
  return *kModel;
}

CloudFrontShapes::CloudFrontShapes(absl::string_view model_json) {
  const nlohmann::json model = nlohmann::json::parse(model_json.begin(), model_json.end());
  for (const auto& [name, s] : model.at("shapes").items()) {
    Shape shape;
    shape.name = name;
    shape.type = ParseType(s.at("type").get<std::string>());
    if (shape.type == ShapeType::kStructure) {
      for (const nlohmann::json& m : s.at("members")) {
        const std::string member = m.at(0).get<std::string>();
        shape.members.push_back({member, m.at(1).get<std::string>(),
                                 m.size() > 2 ? m.at(2).get<std::string>() : member});
      }
    } else if (shape.type == ShapeType::kList) {
      shape.list_member_shape = s.at("member").get<std::string>();
      shape.list_member_name = s.at("member_name").get<std::string>();
    }
    shapes_.emplace(name, std::move(shape));
  }
  for (const auto& [name, o] : model.at("operations").items()) {
    operations_.emplace(name, Operation{.name = name,
                                        .method = o.at("method").get<std::string>(),
                                        .uri = o.at("uri").get<std::string>(),
                                        .status = o.at("status").get<int>(),
                                        .input = StringOrEmpty(o.at("input")),
                                        .input_root = StringOrEmpty(o.at("input_root")),
                                        .output = StringOrEmpty(o.at("output")),
                                        .output_root = StringOrEmpty(o.at("output_root"))});
  }
}

const Shape* CloudFrontShapes::FindShape(absl::string_view name) const {
  const auto it = shapes_.find(name);
  return it == shapes_.end() ? nullptr : &it->second;
}

const Operation* CloudFrontShapes::FindOperation(absl::string_view name) const {
  const auto it = operations_.find(name);
  return it == operations_.end() ? nullptr : &it->second;
}

}  // namespace edgesim::emulator
