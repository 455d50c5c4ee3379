// Embedding xgrad's C++ front end: the kernel written as in Exprgrad, compiled and run.
#include "xgrad/Frontend/Frontend.h"
#include "xgrad/Runtime/Model.h"

#include "llvm/Support/raw_ostream.h"

int main() {
  xgrad::Iter i("i");
  xgrad::Fun x = xgrad::input("x", {-1});
  xgrad::Fun y;
  y[i] += x[i] * 2.0 + 1.0;
  y.named("affine");
  std::string source = xgrad::toMLIR({y.target("affine")});
  auto model = xgrad::Model::compile(source);
  if (!model) {
    llvm::errs() << "embed-frontend: " << llvm::toString(model.takeError()) << "\n";
    return 1;
  }
  xgrad::Tensor input(xgrad::ElementType::f32, {4});
  for (int64_t k = 0; k < 4; ++k)
    input.set(k, double(k));
  auto value = (*model)->call("affine", {{"x", input}});
  if (!value) {
    llvm::errs() << "embed-frontend: " << llvm::toString(value.takeError()) << "\n";
    return 1;
  }
  llvm::outs() << "front end: affine = ";
  value->print(llvm::outs());
  return 0;
}
