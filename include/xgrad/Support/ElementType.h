//===- ElementType.h - the float types xgrad models compute in --*- C++ -*-===//
#ifndef XGRAD_SUPPORT_ELEMENTTYPE_H
#define XGRAD_SUPPORT_ELEMENTTYPE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSwitch.h"
#include <cstddef>
#include <optional>

namespace xgrad {

enum class ElementType { f32, f64 };

inline size_t elementSize(ElementType type) { return type == ElementType::f32 ? 4 : 8; }
inline llvm::StringRef elementTypeName(ElementType type) {
  return type == ElementType::f32 ? "f32" : "f64";
}

/// The spellings users write (MLIR's `f32`, NumPy's `float32`, C's `float`/`double`); nothing
/// for anything else, so that a typo is an error and never a silent default.
inline std::optional<ElementType> parseElementType(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ElementType>>(name)
      .Cases({"f32", "float32", "float"}, ElementType::f32)
      .Cases({"f64", "float64", "double"}, ElementType::f64)
      .Default(std::nullopt);
}

} // namespace xgrad

#endif // XGRAD_SUPPORT_ELEMENTTYPE_H
