//===- Layers.h - Exprgrad's layers, written in the front end ---*- C++ -*-===//
//
// Every layer is a few kernels in the language (as Exprgrad's dnn.nim and base.nim), so it
// can be read, changed and differentiated like any user kernel.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_FRONTEND_LAYERS_H
#define XGRAD_FRONTEND_LAYERS_H

#include "xgrad/Frontend/Frontend.h"

namespace xgrad::layers {

/// values [n, in] -> [n, out]: a matmul with a parameter and, optionally, a bias.
Fun dense(const Fun &values, int64_t in, int64_t out, bool bias = true);
Fun relu(const Fun &input);
Fun leakyRelu(const Fun &input, double leak = 0.01);
Fun sigmoid(const Fun &input);
Fun tanh(const Fun &input);
/// Row-wise softmax of [n, classes], with the row maximum subtracted (no overflow).
Fun softmax(const Fun &input);
/// Exprgrad's crossEntropy of probabilities against labels, averaged over rows.
Fun crossEntropy(const Fun &probabilities, const Fun &labels);
/// Cross entropy of softmax(logits) in the stable log-softmax form:
/// -sum(labels * (x - m - ln(sum exp(x - m)))) with m the row maximum.
Fun softmaxCrossEntropy(const Fun &logits, const Fun &labels);
/// Mean of squared differences over the rows (Exprgrad's mse).
Fun mse(const Fun &a, const Fun &b);
/// images [n, h, w, c] with filters [f, kh, kw, c] -> [n, (h + 2 padding - kh) / stride + 1,
/// ..., f]; `padding` zeros surround the images.
Fun conv2d(const Fun &images, const Fun &filters, int64_t stride = 1, int64_t padding = 0);
Fun conv2d(const Fun &images, int64_t channels, int64_t width, int64_t height, int64_t filters,
           int64_t stride = 1, int64_t padding = 0);
/// The images with `padding` zeros around each one: [n, h + 2 padding, w + 2 padding, c].
Fun pad2d(const Fun &images, int64_t padding);
/// The maximum of every 2x2 window, with Exprgrad's custom gradient.
Fun maxPool2d(const Fun &images);
Fun upsample2(const Fun &images);
/// The same elements in another shape (one dimension may be -1); the element count is
/// checked.
Fun reshape(const Fun &input, std::vector<int64_t> shape);
/// [n, ...] -> [n, product of the rest].
Fun flatten(const Fun &input, int64_t features);

Fun add(const Fun &a, const Fun &b);
Fun sub(const Fun &a, const Fun &b);
Fun mul(const Fun &a, const Fun &b);
Fun divide(const Fun &a, const Fun &b);
Fun minimum(const Fun &a, const Fun &b);
Fun maximum(const Fun &a, const Fun &b);

/// param{it} ++= -grad{it} * rate | it
Optimizer gradientDescent(double rate = 0.01);
/// v = mu * v + grad; param -= rate * v
Optimizer momentum(double rate = 0.01, double mu = 0.9);
/// Adam, with bias correction counted in training steps from one (step() + 1).
Optimizer adam(double eta = 0.001, double beta1 = 0.9, double beta2 = 0.999,
               double epsilon = 1e-8);

} // namespace xgrad::layers

#endif // XGRAD_FRONTEND_LAYERS_H
