// oneDNN kernels for tfjs, as a Node-API addon. Every function works in place on Float32Arrays the
// caller owns (views of the wasm heap, or plain arrays): NHWC activations, HWIO filters (tfjs'
// layouts), row-major matrices. Geometry arrives as one Int32Array. Errors become JS exceptions.
#include <node_api.h>
#include <dnnl.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#else
inline int omp_get_max_threads() { return 1; }
inline int omp_get_thread_num() { return 0; }
#endif

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine& cpuEngine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& cpuStream() {
  static dnnl::stream s(cpuEngine());
  return s;
}

struct JsError {
  std::string message;
};

void check(napi_status status, const char* what) {
  if (status != napi_ok) throw JsError{std::string("native-kernels: ") + what};
}

// A Float32Array or Int32Array argument: data pointer and element count.
template <typename T>
T* typedArray(napi_env env, napi_value value, size_t* length, napi_typedarray_type want, const char* name) {
  bool is = false;
  check(napi_is_typedarray(env, value, &is), name);
  if (!is) throw JsError{std::string("native-kernels: ") + name + " must be a typed array"};
  napi_typedarray_type type;
  void* data = nullptr;
  napi_value buffer;
  size_t offset = 0;
  check(napi_get_typedarray_info(env, value, &type, length, &data, &buffer, &offset), name);
  if (type != want) throw JsError{std::string("native-kernels: ") + name + " has the wrong element type"};
  return static_cast<T*>(data);
}

float* floats(napi_env env, napi_value v, size_t need, const char* name) {
  size_t n = 0;
  float* p = typedArray<float>(env, v, &n, napi_float32_array, name);
  if (n < need) throw JsError{std::string("native-kernels: ") + name + " is too short"};
  return p;
}

// The call's first N arguments (missing ones are undefined).
template <size_t N>
std::array<napi_value, N> arguments(napi_env env, napi_callback_info info) {
  size_t argc = N;
  std::array<napi_value, N> a{};
  check(napi_get_cb_info(env, info, &argc, a.data(), nullptr, nullptr), "arguments");
  return a;
}

// An Int32Array argument of exactly `count` numbers.
const int32_t* ints(napi_env env, napi_value v, size_t count, const char* name) {
  size_t n = 0;
  const int32_t* p = typedArray<int32_t>(env, v, &n, napi_int32_array, name);
  if (n != count) throw JsError{std::string("native-kernels: ") + name + " needs " + std::to_string(count) + " numbers"};
  return p;
}

int32_t intArg(napi_env env, napi_value v, const char* name) {
  int32_t out = 0;
  check(napi_get_value_int32(env, v, &out), name);
  return out;
}

double numberArg(napi_env env, napi_value v, const char* name) {
  double out = 0;
  check(napi_get_value_double(env, v, &out), name);
  return out;
}

// Convolution geometry (tfjs conventions: NHWC input, HWIO filter, dilation 1 = none).
struct Conv {
  memory::dim n, h, w, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl;
  // Rows/cols of the input the conv reads (less than h/w when 'valid' leaves a strided remainder)
  // and the far-side padding that makes oneDNN's shape arithmetic exact.
  memory::dim hUsed, wUsed, pb, pr;

  static Conv read(napi_env env, napi_value v) {
    const int32_t* g = ints(env, v, 15, "geometry");
    Conv k{g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], 0, 0, 0, 0};
    k.hUsed = k.h;
    k.wUsed = k.w;
    k.pb = (k.oh - 1) * k.sh + (k.kh - 1) * k.dh + 1 - k.h - k.pt;
    k.pr = (k.ow - 1) * k.sw + (k.kw - 1) * k.dw + 1 - k.w - k.pl;
    if (k.pb < 0) { k.hUsed += k.pb; k.pb = 0; }
    if (k.pr < 0) { k.wUsed += k.pr; k.pr = 0; }
    return k;
  }
  memory::dim inSize() const { return n * h * w * c; }
  memory::dim outSize() const { return n * oh * ow * oc; }
  memory::dim filterSize() const { return kh * kw * c * oc; }
  bool cropped() const { return hUsed != h || wUsed != w; }

  // The input (or its gradient) as NHWC, possibly a cropped view of the full buffer.
  memory::desc input() const { return memory::desc({n, c, hUsed, wUsed}, dt::f32, {h * w * c, 1, w * c, c}); }
  memory::desc output() const { return memory::desc({n, oc, oh, ow}, dt::f32, {oh * ow * oc, 1, ow * oc, oc}); }
  // tfjs' HWIO filter: element (o, i, y, x) at ((y·kw + x)·c + i)·oc + o.
  memory::desc filterHwio() const { return memory::desc({oc, c, kh, kw}, dt::f32, {1, oc, kw * c * oc, c * oc}); }
  memory::desc filterAny() const { return memory::desc({oc, c, kh, kw}, dt::f32, tag::any); }
  memory::desc bias() const { return memory::desc({oc}, dt::f32, tag::a); }
  memory::dims strides() const { return {sh, sw}; }
  memory::dims dilates() const { return {dh - 1, dw - 1}; }
  memory::dims padL() const { return {pt, pl}; }
  memory::dims padR() const { return {pb, pr}; }

  // Winograd convolutions take activations in a blocked layout of their choosing; direct ones read
  // and write tfjs' NHWC arrays in place.
  memory::desc inputFor(dnnl::algorithm alg) const { return alg == dnnl::algorithm::convolution_winograd ? anyLayout(input()) : input(); }
  memory::desc outputFor(dnnl::algorithm alg) const { return alg == dnnl::algorithm::convolution_winograd ? anyLayout(output()) : output(); }
  static memory::desc anyLayout(const memory::desc& d) { return memory::desc(d.dims(), dt::f32, tag::any); }

  // `inference`: forward_inference, whose Winograd kernel takes weights already transformed (by the
  // weights reorder, which a caller keeping them across calls pays once).
  dnnl::convolution_forward::primitive_desc forward(dnnl::algorithm alg, bool withBias, const dnnl::primitive_attr& attr = {},
                                                    bool inference = false) const {
    const auto prop = inference ? dnnl::prop_kind::forward_inference : dnnl::prop_kind::forward_training;
    auto d = withBias ? dnnl::convolution_forward::desc(prop, alg, inputFor(alg), filterAny(), bias(), outputFor(alg), strides(),
                                                        dilates(), padL(), padR())
                      : dnnl::convolution_forward::desc(prop, alg, inputFor(alg), filterAny(), outputFor(alg), strides(), dilates(),
                                                        padL(), padR());
    return dnnl::convolution_forward::primitive_desc(d, attr, cpuEngine());
  }
  dnnl::convolution_backward_data::primitive_desc backwardData(dnnl::algorithm alg) const {
    dnnl::convolution_backward_data::desc d(alg, inputFor(alg), filterAny(), outputFor(alg), strides(), dilates(), padL(), padR());
    return dnnl::convolution_backward_data::primitive_desc(d, cpuEngine(), forward(alg, false));
  }
  dnnl::convolution_backward_weights::primitive_desc backwardWeights(dnnl::algorithm alg) const {
    dnnl::convolution_backward_weights::desc d(alg, inputFor(alg), filterAny(), outputFor(alg), strides(), dilates(), padL(), padR());
    return dnnl::convolution_backward_weights::primitive_desc(d, cpuEngine(), forward(alg, false));
  }
  // 3×3, stride 1, no dilation, ≥ 64 channels in and out: where oneDNN may have a Winograd
  // F(4×4, 3×3) kernel (AVX-512 CPUs), 1.6–2.3× faster than direct on CycleGAN's residual blocks
  // (with fewer channels the layout copies eat the gain). TRANSLATE_WINOGRAD=0 keeps direct convs.
  bool winogradShape() const { return kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1 && c >= 64 && oc >= 64; }
};

// What one convolution (its geometry, direction and fused bias/activation) needs, built once:
// oneDNN's primitive-descriptor creation and implementation dispatch, and the scratch buffers in the
// primitive's own layouts, cost about as much as a small convolution.
struct ConvPlan {
  dnnl::primitive conv;
  std::string implementation;
  // The (diff) weights in the primitive's layout, and the reorder to (forward, backward-input) or
  // from (backward-filter) tfjs' HWIO; `direct` when HWIO is that layout already.
  memory weights;
  dnnl::reorder weightsReorder;
  bool direct = false;
  // The (diff) input and output in the primitive's layouts when they are not NHWC (Winograd), else empty.
  memory input, output;
};

// forwardFrozen: a forward pass whose weights stay the same across calls (inference), kept by
// the caller in the primitive's layout (see FrozenWeights).
enum class ConvKind { forward, backwardInput, backwardFilter, forwardFrozen };

bool winogradAllowed() {
  static const bool allowed = [] {
    const char* v = std::getenv("TRANSLATE_WINOGRAD");
    return v == nullptr || std::string(v) != "0";
  }();
  return allowed;
}

// The plan of convolution `k` with algorithm `alg` (throws dnnl::error where oneDNN has none).
ConvPlan buildPlan(const Conv& k, dnnl::algorithm alg, ConvKind kind, bool withBias, int32_t activation, float alpha) {
  ConvPlan p;
  memory::desc want, in, out;
  if (kind == ConvKind::forward || kind == ConvKind::forwardFrozen) {
    dnnl::primitive_attr attr;
    if (activation != 0) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, activation == 1 ? 0.f : alpha, 0.f);
      attr.set_post_ops(ops);
    }
    auto pd = k.forward(alg, withBias, attr, kind == ConvKind::forwardFrozen);
    p.conv = dnnl::convolution_forward(pd);
    p.implementation = pd.impl_info_str();
    want = pd.weights_desc();
    in = pd.src_desc();
    out = pd.dst_desc();
  } else if (kind == ConvKind::backwardInput) {
    auto pd = k.backwardData(alg);
    p.conv = dnnl::convolution_backward_data(pd);
    p.implementation = pd.impl_info_str();
    want = pd.weights_desc();
    in = pd.diff_src_desc();
    out = pd.diff_dst_desc();
  } else {
    auto pd = k.backwardWeights(alg);
    p.conv = dnnl::convolution_backward_weights(pd);
    p.implementation = pd.impl_info_str();
    want = pd.diff_weights_desc();
    in = pd.src_desc();
    out = pd.diff_dst_desc();
  }
  if (in != k.input()) p.input = memory(in, cpuEngine());
  if (out != k.output()) p.output = memory(out, cpuEngine());
  p.direct = want == k.filterHwio();
  if (!p.direct) {
    p.weights = memory(want, cpuEngine());
    memory hwio(k.filterHwio(), cpuEngine(), nullptr);
    p.weightsReorder = kind == ConvKind::backwardFilter ? dnnl::reorder(p.weights, hwio) : dnnl::reorder(hwio, p.weights);
  }
  return p;
}

// The plan of convolution `k` (built on first use; one per distinct convolution of a model):
// Winograd where the shape allows it and oneDNN has it, otherwise direct.
ConvPlan& plan(const Conv& k, ConvKind kind, bool withBias = false, int32_t activation = 0, float alpha = 0.f) {
  static std::unordered_map<std::string, ConvPlan> plans;
  std::string key = std::to_string(static_cast<int>(kind)) + ":" + std::to_string(withBias) + ":" + std::to_string(activation) + ":" +
                    std::to_string(alpha);
  for (memory::dim v : {k.n, k.h, k.w, k.c, k.oh, k.ow, k.oc, k.kh, k.kw, k.sh, k.sw, k.dh, k.dw, k.pt, k.pl}) key += ":" + std::to_string(v);
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  if (winogradAllowed() && k.winogradShape()) {
    try {
      return plans.emplace(key, buildPlan(k, dnnl::algorithm::convolution_winograd, kind, withBias, activation, alpha)).first->second;
    } catch (const dnnl::error&) {
      // No Winograd kernel for this CPU or shape: direct below.
    }
  }
  return plans.emplace(key, buildPlan(k, dnnl::algorithm::convolution_direct, kind, withBias, activation, alpha)).first->second;
}

// The weights memory a plan's primitive takes: tfjs' HWIO array itself, or (forward and
// backward-input) the plan's buffer after reordering the array into it.
memory planWeights(ConvPlan& p, const Conv& k, float* hwio, bool reorderIn) {
  memory user(k.filterHwio(), cpuEngine(), hwio);
  if (p.direct) return user;
  if (reorderIn) p.weightsReorder.execute(cpuStream(), user, p.weights);
  return p.weights;
}

// Weights kept in their primitive's layout between calls, for convolutions whose weights do not
// change (inference): one entry per plan and weights key (the caller's name for one immutable
// filter array), least recently used dropped beyond TRANSLATE_FROZEN_WEIGHTS_MB (default 1024).
class FrozenWeights {
 public:
  memory get(ConvPlan& p, const Conv& k, float* hwio, double key) {
    const Key id{&p, key};
    auto found = entries_.find(id);
    if (found != entries_.end()) {
      order_.splice(order_.begin(), order_, found->second.second);
      return found->second.first;
    }
    memory kept(p.weights.get_desc(), cpuEngine());
    memory user(k.filterHwio(), cpuEngine(), hwio);
    p.weightsReorder.execute(cpuStream(), user, kept);
    order_.push_front(id);
    entries_.emplace(id, std::make_pair(kept, order_.begin()));
    bytes_ += kept.get_desc().get_size();
    while (bytes_ > budget() && order_.size() > 1) {
      auto last = entries_.find(order_.back());
      bytes_ -= last->second.first.get_desc().get_size();
      entries_.erase(last);
      order_.pop_back();
    }
    return kept;
  }

 private:
  using Key = std::pair<const ConvPlan*, double>;
  struct KeyHash {
    size_t operator()(const Key& k) const { return std::hash<const void*>()(k.first) ^ (std::hash<double>()(k.second) << 1); }
  };
  static size_t budget() {
    static const size_t mb = [] {
      const char* v = std::getenv("TRANSLATE_FROZEN_WEIGHTS_MB");
      return v == nullptr ? size_t{1024} : static_cast<size_t>(std::strtoul(v, nullptr, 10));
    }();
    return mb << 20;
  }
  std::list<Key> order_;
  std::unordered_map<Key, std::pair<memory, std::list<Key>::iterator>, KeyHash> entries_;
  size_t bytes_ = 0;
};

FrozenWeights& frozenWeights() {
  static FrozenWeights cache;
  return cache;
}

// An activation the primitive reads: the caller's NHWC array itself, or `buffer` (the plan's layout)
// after copying the array into it.
memory activationIn(memory buffer, const memory::desc& nhwc, float* data) {
  memory user(nhwc, cpuEngine(), data);
  if (!buffer) return user;
  dnnl::reorder(user, buffer).execute(cpuStream(), user, buffer);
  return buffer;
}

// Where the primitive writes an activation: the caller's NHWC array, or `buffer`, which
// activationOut copies back into the array after the primitive ran.
memory activationTarget(memory buffer, const memory::desc& nhwc, float* data) {
  return buffer ? buffer : memory(nhwc, cpuEngine(), data);
}
void activationOut(memory buffer, const memory::desc& nhwc, float* data) {
  if (!buffer) return;
  memory user(nhwc, cpuEngine(), data);
  dnnl::reorder(buffer, user).execute(cpuStream(), buffer, user);
}

// conv2dForward(x, filter, bias|null, y, geometry, activation, alpha, weightsKey): y = act(conv(x, filter) + bias).
// activation: 0 linear, 1 relu, 2 leaky relu (slope alpha). weightsKey > 0 names `filter` as
// unchanging (the same key always comes with the same values): its layout change is done once.
napi_value Conv2dForward(napi_env env, napi_callback_info info) {
  const auto a = arguments<8>(env, info);
  Conv k = Conv::read(env, a[4]);
  napi_valuetype biasType;
  check(napi_typeof(env, a[2], &biasType), "bias");
  const bool withBias = biasType != napi_null && biasType != napi_undefined;
  const int32_t activation = intArg(env, a[5], "activation");
  const float alpha = static_cast<float>(numberArg(env, a[6], "alpha"));
  const double weightsKey = numberArg(env, a[7], "weightsKey");
  ConvPlan& p = plan(k, weightsKey > 0 ? ConvKind::forwardFrozen : ConvKind::forward, withBias, activation, alpha);
  float* filter = floats(env, a[1], k.filterSize(), "filter");
  float* y = floats(env, a[3], k.outSize(), "y");
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, activationIn(p.input, k.input(), floats(env, a[0], k.inSize(), "x"))},
      {DNNL_ARG_WEIGHTS, weightsKey > 0 && !p.direct ? frozenWeights().get(p, k, filter, weightsKey) : planWeights(p, k, filter, true)},
      {DNNL_ARG_DST, activationTarget(p.output, k.output(), y)}};
  if (withBias) args.insert({DNNL_ARG_BIAS, memory(k.bias(), cpuEngine(), floats(env, a[2], k.oc, "bias"))});
  p.conv.execute(cpuStream(), args);
  activationOut(p.output, k.output(), y);
  cpuStream().wait();
  return nullptr;
}

// A 3×3 stride-1 'valid' convolution whose input is its output plus a one-pixel ring (a residual
// block's reflect-padded conv): oneDNN's Winograd input gradient works in 4×4 output tiles, and a
// 66×66 gradient costs as much as 68×68. It is split into the gradient of the same convolution with
// zero padding 1 (the interior, in whole tiles) and the ring, whose every row or column sees one
// filter row or column (12 small matrix products). Below 64×64 outputs the ring's products cost
// what the split saves (32×32×256: 5.0–5.5 ms either way; 64×64×256: 6.2 vs 8.1 ms).
bool splitsRing(const Conv& k) {
  return k.winogradShape() && k.pt == 0 && k.pl == 0 && k.pb == 0 && k.pr == 0 && k.h == k.oh + 2 && k.w == k.ow + 2 && !k.cropped() &&
         k.oh >= 64 && k.ow >= 64 && winogradAllowed();
}

// dx[y, x0..x0+len) (row stride `ldx` floats) = Σ over the filter taps (ky, kx) ∈ taps of dy[y−ky, x−kx]·W[ky, kx]ᵀ,
// for one sample: `rows` are output rows y with their dy row and tap row, `kxs` the tap columns.
void ringProducts(const Conv& k, const float* dy, const float* filter, float* dx) {
  const memory::dim c = k.c, oc = k.oc, w = k.w, oh = k.oh, ow = k.ow, h = k.h;
  auto gemm = [&](memory::dim m, const float* a, memory::dim lda, const float* b, float beta, float* out, memory::dim ldc) {
    if (m <= 0) return;
    if (dnnl_sgemm('N', 'T', m, c, oc, 1.f, a, lda, b, oc, beta, out, ldc) != dnnl_success) throw JsError{"native-kernels: dnnl_sgemm failed"};
  };
  auto tap = [&](memory::dim ky, memory::dim kx) { return filter + (ky * 3 + kx) * c * oc; };
  // Top row (y = 0, tap row 0) and bottom row (y = h−1, tap row 2), every x: dy row 0 / oh−1.
  for (const auto& [y, ky, dyRow] : {std::array<memory::dim, 3>{0, 0, 0}, std::array<memory::dim, 3>{h - 1, 2, oh - 1}}) {
    float* out = dx + y * w * c;
    std::memset(out, 0, sizeof(float) * w * c);
    for (memory::dim kx = 0; kx < 3; kx++) gemm(ow, dy + dyRow * ow * oc, oc, tap(ky, kx), 1.f, out + kx * c, c);
  }
  // Left column (x = 0, tap column 0) and right column (x = w−1, tap column 2), rows 1..h−2.
  for (const auto& [x, kx, dyCol] : {std::array<memory::dim, 3>{0, 0, 0}, std::array<memory::dim, 3>{w - 1, 2, ow - 1}}) {
    for (memory::dim y = 1; y < h - 1; y++) std::memset(dx + (y * w + x) * c, 0, sizeof(float) * c);
    for (memory::dim ky = 0; ky < 3; ky++) {
      const memory::dim first = std::max<memory::dim>(ky, 1), last = std::min<memory::dim>(ky + oh - 1, h - 2);
      gemm(last - first + 1, dy + ((first - ky) * ow + dyCol) * oc, ow * oc, tap(ky, kx), 1.f, dx + (first * w + x) * c, w * c);
    }
  }
}

// conv2dBackwardInput(dy, filter, dx, geometry): dx = the input gradient (also conv2dTranspose).
napi_value Conv2dBackwardInput(napi_env env, napi_callback_info info) {
  const auto a = arguments<4>(env, info);
  Conv k = Conv::read(env, a[3]);
  float* dx = floats(env, a[2], k.inSize(), "dx");
  float* dy = floats(env, a[0], k.outSize(), "dy");
  float* filter = floats(env, a[1], k.filterSize(), "filter");
  if (k.cropped()) std::memset(dx, 0, sizeof(float) * k.inSize());
  if (splitsRing(k)) {
    Conv inner = k;
    inner.h = inner.hUsed = k.oh;
    inner.w = inner.wUsed = k.ow;
    inner.pt = inner.pl = inner.pb = inner.pr = 1;
    ConvPlan& p = plan(inner, ConvKind::backwardInput);
    // The interior of each sample's dx, rows and columns 1..h−2, as a strided view.
    const memory::desc interior({k.n, k.c, inner.h, inner.w}, dt::f32, {k.h * k.w * k.c, 1, k.w * k.c, k.c});
    float* corner = dx + (k.w + 1) * k.c;
    p.conv.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, activationIn(p.output, inner.output(), dy)},
                                 {DNNL_ARG_WEIGHTS, planWeights(p, inner, filter, true)},
                                 {DNNL_ARG_DIFF_SRC, activationTarget(p.input, interior, corner)}});
    activationOut(p.input, interior, corner);
    cpuStream().wait();
    for (memory::dim i = 0; i < k.n; i++) ringProducts(k, dy + i * k.outSize() / k.n, filter, dx + i * k.inSize() / k.n);
    return nullptr;
  }
  ConvPlan& p = plan(k, ConvKind::backwardInput);
  p.conv.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, activationIn(p.output, k.output(), dy)},
                               {DNNL_ARG_WEIGHTS, planWeights(p, k, filter, true)},
                               {DNNL_ARG_DIFF_SRC, activationTarget(p.input, k.input(), dx)}});
  activationOut(p.input, k.input(), dx);
  cpuStream().wait();
  return nullptr;
}

// conv2dBackwardFilter(x, dy, dw, geometry): dw = the filter gradient, HWIO.
napi_value Conv2dBackwardFilter(napi_env env, napi_callback_info info) {
  const auto a = arguments<4>(env, info);
  Conv k = Conv::read(env, a[3]);
  ConvPlan& p = plan(k, ConvKind::backwardFilter);
  float* dwData = floats(env, a[2], k.filterSize(), "dw");
  memory dw = planWeights(p, k, dwData, false);
  p.conv.execute(cpuStream(), {{DNNL_ARG_SRC, activationIn(p.input, k.input(), floats(env, a[0], k.inSize(), "x"))},
                               {DNNL_ARG_DIFF_DST, activationIn(p.output, k.output(), floats(env, a[1], k.outSize(), "dy"))},
                               {DNNL_ARG_DIFF_WEIGHTS, dw}});
  if (!p.direct) {
    memory hwio(k.filterHwio(), cpuEngine(), dwData);
    p.weightsReorder.execute(cpuStream(), p.weights, hwio);
  }
  cpuStream().wait();
  return nullptr;
}

// matmul(a, b, c, [batch, m, n, k, transposeA, transposeB, batchStrideA, batchStrideB]): per batch
// c = op(a)·op(b), row-major, op = transpose when asked; a batch stride of 0 broadcasts that operand.
napi_value Matmul(napi_env env, napi_callback_info info) {
  const auto a = arguments<4>(env, info);
  const int32_t* g = ints(env, a[3], 8, "matmul geometry");
  const memory::dim batch = g[0], m = g[1], n = g[2], kk = g[3], strideA = g[6], strideB = g[7];
  const bool ta = g[4] != 0, tb = g[5] != 0;
  const float* A = floats(env, a[0], (batch - 1) * strideA + m * kk, "a");
  const float* B = floats(env, a[1], (batch - 1) * strideB + kk * n, "b");
  float* C = floats(env, a[2], batch * m * n, "c");
  for (memory::dim i = 0; i < batch; i++) {
    dnnl_status_t s = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, kk, 1.f, A + i * strideA, ta ? m : kk,
                                 B + i * strideB, tb ? kk : n, 0.f, C + i * m * n, n);
    if (s != dnnl_success) throw JsError{"native-kernels: dnnl_sgemm failed"};
  }
  return nullptr;
}


// ---- Fused memory-bound kernels (plain loops, OpenMP) ----

// Σ over `rows` rows of `width` per-row contributions: rows split across threads, each adding into
// its own double accumulators (`add(r, p)` adds row r's contributions to p[0 .. width)), combined at
// the end.
template <typename AddRow>
std::vector<double> sumRows(int64_t rows, int64_t width, AddRow add) {
  const int threads = std::max(1, std::min<int>(omp_get_max_threads(), static_cast<int>(rows / 64 + 1)));
  std::vector<double> part(static_cast<size_t>(threads) * width, 0.0);
#pragma omp parallel num_threads(threads)
  {
    double* p = part.data() + static_cast<size_t>(omp_get_thread_num()) * width;
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; r++) add(r, p);
  }
  std::vector<double> out(width, 0.0);
  for (int t = 0; t < threads; t++)
    for (int64_t j = 0; j < width; j++) out[j] += part[static_cast<size_t>(t) * width + j];
  return out;
}

// Per-column sums of a [rows, cols] block.
std::vector<double> columnSums(const float* x, int64_t rows, int64_t cols) {
  return sumRows(rows, cols, [&](int64_t r, double* p) {
    const float* row = x + r * cols;
    for (int64_t j = 0; j < cols; j++) p[j] += row[j];
  });
}

// reduce(x, out, outer, mid, inner, mean): out[o, j] = Σ_m x[o, m, j] (÷ mid when mean).
napi_value Reduce(napi_env env, napi_callback_info info) {
  const auto a = arguments<6>(env, info);
  const int64_t outer = intArg(env, a[2], "outer"), mid = intArg(env, a[3], "mid"), inner = intArg(env, a[4], "inner");
  bool mean = false;
  check(napi_get_value_bool(env, a[5], &mean), "mean");
  const float* x = floats(env, a[0], outer * mid * inner, "x");
  float* out = floats(env, a[1], outer * inner, "out");
  for (int64_t o = 0; o < outer; o++) {
    const std::vector<double> sums = columnSums(x + o * mid * inner, mid, inner);
    for (int64_t j = 0; j < inner; j++) out[o * inner + j] = static_cast<float>(mean ? sums[j] / mid : sums[j]);
  }
  return nullptr;
}

// Per-channel mean and 1/sqrt(biased variance + eps) of each sample of an NHWC tensor.
void channelStats(const float* x, int64_t n, int64_t hw, int64_t c, double eps, float* mean, float* rstd) {
  std::vector<float> centre(c);
  for (int64_t s = 0; s < n; s++) {
    const float* xs = x + s * hw * c;
    const std::vector<double> sums = columnSums(xs, hw, c);
    for (int64_t j = 0; j < c; j++) centre[j] = static_cast<float>(sums[j] / hw);
    const std::vector<double> squares = sumRows(hw, c, [&](int64_t r, double* p) {
      const float* row = xs + r * c;
      for (int64_t j = 0; j < c; j++) {
        const double d = static_cast<double>(row[j]) - centre[j];
        p[j] += d * d;
      }
    });
    for (int64_t j = 0; j < c; j++) {
      mean[s * c + j] = centre[j];
      rstd[s * c + j] = static_cast<float>(1.0 / std::sqrt(squares[j] / hw + eps));
    }
  }
}

// instanceNorm(x, y, mean, rstd, n, hw, c, eps, relu): y = (x − mean)·rstd per sample and channel
// (NHWC), then max(0, ·) when relu; also writes mean and rstd ([n, c]).
napi_value InstanceNorm(napi_env env, napi_callback_info info) {
  const auto a = arguments<9>(env, info);
  const int64_t n = intArg(env, a[4], "n"), hw = intArg(env, a[5], "hw"), c = intArg(env, a[6], "c");
  const double eps = numberArg(env, a[7], "eps");
  bool relu = false;
  check(napi_get_value_bool(env, a[8], &relu), "relu");
  const float* x = floats(env, a[0], n * hw * c, "x");
  float* y = floats(env, a[1], n * hw * c, "y");
  float* mean = floats(env, a[2], n * c, "mean");
  float* rstd = floats(env, a[3], n * c, "rstd");
  channelStats(x, n, hw, c, eps, mean, rstd);
  for (int64_t s = 0; s < n; s++) {
    const float* m = mean + s * c;
    const float* r = rstd + s * c;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < hw; i++) {
      const float* xi = x + (s * hw + i) * c;
      float* yi = y + (s * hw + i) * c;
      if (relu) {
        for (int64_t j = 0; j < c; j++) yi[j] = std::max(0.f, (xi[j] - m[j]) * r[j]);
      } else {
        for (int64_t j = 0; j < c; j++) yi[j] = (xi[j] - m[j]) * r[j];
      }
    }
  }
  return nullptr;
}

// The instance-norm input gradient of one sample (NHWC rows of c channels) from the incoming
// gradient g.
void instanceNormGradSample(const float* x, const float* g, const float* m, const float* r, float* dx, int64_t hw, int64_t c) {
  // Σ g and Σ g·x̂ per channel, side by side.
  const std::vector<double> sums = sumRows(hw, 2 * c, [&](int64_t i, double* p) {
    const float* xi = x + i * c;
    const float* gi = g + i * c;
    for (int64_t j = 0; j < c; j++) {
      p[j] += gi[j];
      p[c + j] += static_cast<double>(gi[j]) * ((xi[j] - m[j]) * r[j]);
    }
  });
  std::vector<float> meanDy(c), meanDyXhat(c);
  for (int64_t j = 0; j < c; j++) {
    meanDy[j] = static_cast<float>(sums[j] / hw);
    meanDyXhat[j] = static_cast<float>(sums[c + j] / hw);
  }
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < hw; i++) {
    const float* xi = x + i * c;
    const float* gi = g + i * c;
    float* di = dx + i * c;
    for (int64_t j = 0; j < c; j++) {
      const float xhat = (xi[j] - m[j]) * r[j];
      di[j] = r[j] * (gi[j] - meanDy[j] - xhat * meanDyXhat[j]);
    }
  }
}

// instanceNormGrad(x, dy, mean, rstd, dx, n, hw, c, y|null): dx = rstd·(g − mean(g) − x̂·mean(g·x̂))
// with g = dy, or, given the output y of a fused ReLU, g = dy where y > 0 and 0 elsewhere.
napi_value InstanceNormGrad(napi_env env, napi_callback_info info) {
  const auto a = arguments<9>(env, info);
  const int64_t n = intArg(env, a[5], "n"), hw = intArg(env, a[6], "hw"), c = intArg(env, a[7], "c");
  const float* x = floats(env, a[0], n * hw * c, "x");
  const float* dy = floats(env, a[1], n * hw * c, "dy");
  const float* mean = floats(env, a[2], n * c, "mean");
  const float* rstd = floats(env, a[3], n * c, "rstd");
  float* dx = floats(env, a[4], n * hw * c, "dx");
  napi_valuetype yType;
  check(napi_typeof(env, a[8], &yType), "y");
  const float* y = yType == napi_null || yType == napi_undefined ? nullptr : floats(env, a[8], n * hw * c, "y");
  // With a fused ReLU, the masked gradient dy·[y > 0] goes to dx's buffer first (it is read twice).
  if (y != nullptr) {
    const int64_t size = n * hw * c;
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < size; k++) {
      // Both loads unconditional: a conditional load keeps the loop from vectorising (40x slower).
      const float g = dy[k], out = y[k];
      dx[k] = out > 0.f ? g : 0.f;
    }
  }
  const float* g = y != nullptr ? dx : dy;
  for (int64_t s = 0; s < n; s++) {
    const int64_t base = s * hw * c;
    instanceNormGradSample(x + base, g + base, mean + s * c, rstd + s * c, dx + base, hw, c);
  }
  return nullptr;
}

// The source index of padded position p along an axis of length len padded by `before`.
inline int64_t mirrorSource(int64_t p, int64_t before, int64_t len, bool reflect) {
  int64_t q = p - before;
  if (q < 0) q = reflect ? -q : -q - 1;
  if (q >= len) q = reflect ? 2 * len - 2 - q : 2 * len - 1 - q;
  return q;
}

// mirrorPadGrad(dy, dx, [n, h, w, c, top, bottom, left, right, reflect]): folds the gradient of an
// NHWC mirror pad (H and W padded) back onto the unpadded shape.
napi_value MirrorPadGrad(napi_env env, napi_callback_info info) {
  const auto a = arguments<3>(env, info);
  const int32_t* g = ints(env, a[2], 9, "mirrorPadGrad geometry");
  const int64_t n = g[0], h = g[1], w = g[2], c = g[3], top = g[4], bottom = g[5], left = g[6], right = g[7];
  const bool reflect = g[8] != 0;
  const int64_t ph = h + top + bottom, pw = w + left + right;
  const float* dy = floats(env, a[0], n * ph * pw * c, "dy");
  float* dx = floats(env, a[1], n * h * w * c, "dx");
  // For each unpadded row/col, the padded positions that copy it (at most 3 when pads < length).
  auto sources = [&](int64_t len, int64_t before, int64_t padded) {
    std::vector<std::vector<int64_t>> from(len);
    for (int64_t p = 0; p < padded; p++) from[mirrorSource(p, before, len, reflect)].push_back(p);
    return from;
  };
  const auto rows = sources(h, top, ph);
  const auto cols = sources(w, left, pw);
#pragma omp parallel for schedule(static)
  for (int64_t sr = 0; sr < n * h; sr++) {
    const int64_t s = sr / h, r = sr % h;
    float* out = dx + sr * w * c;
    std::fill(out, out + w * c, 0.f);
    for (int64_t pr : rows[r]) {
      const float* in = dy + (s * ph + pr) * pw * c;
      for (int64_t q = 0; q < w; q++) {
        float* o = out + q * c;
        for (int64_t pc : cols[q]) {
          const float* src = in + pc * c;
          for (int64_t j = 0; j < c; j++) o[j] += src[j];
        }
      }
    }
  }
  return nullptr;
}

// adam(param, grad, m, v, outParam, outM, outV, [beta1, beta2, eps, weightDecay, bc2Sqrt, stepSize]):
// one torch.optim.Adam step, with the float32 operations in PyTorch's (and our op-level) order.
napi_value Adam(napi_env env, napi_callback_info info) {
  const auto a = arguments<8>(env, info);
  size_t size = 0;
  const float* param = typedArray<float>(env, a[0], &size, napi_float32_array, "param");
  const float* grad = floats(env, a[1], size, "grad");
  const float* m = floats(env, a[2], size, "m");
  const float* v = floats(env, a[3], size, "v");
  float* p2 = floats(env, a[4], size, "outParam");
  float* m2 = floats(env, a[5], size, "outM");
  float* v2 = floats(env, a[6], size, "outV");
  size_t hl = 0;
  const float* hp = typedArray<float>(env, a[7], &hl, napi_float32_array, "hyper");
  if (hl != 8) throw JsError{"native-kernels: adam needs 8 hyper-parameters"};
  const float beta1 = hp[0], oneMinusBeta1 = hp[1], beta2 = hp[2], oneMinusBeta2 = hp[3], eps = hp[4], wd = hp[5],
              bc2 = hp[6], step = hp[7];
  const bool decay = wd != 0.f;
#pragma omp parallel for schedule(static) if (size > 65536)
  for (int64_t i = 0; i < static_cast<int64_t>(size); i++) {
    const float pi = param[i], gr = grad[i];  // unconditional loads, so the loop vectorises
    const float gi = decay ? gr + pi * wd : gr;
    const float mi = m[i] * beta1 + gi * oneMinusBeta1;
    const float vi = v[i] * beta2 + (gi * gi) * oneMinusBeta2;
    const float denom = std::sqrt(vi) / bc2 + eps;
    m2[i] = mi;
    v2[i] = vi;
    p2[i] = pi - (mi / denom) * step;
  }
  return nullptr;
}

// implementation(kind, geometry): the oneDNN implementation convolution `geometry` runs with
// ("jit_wino_4x3:avx512_core", "brgconv:avx512_core", ...); kind 0 forward, 1 backward-input, 2 backward-filter.
napi_value Implementation(napi_env env, napi_callback_info info) {
  const auto a = arguments<2>(env, info);
  const int32_t kind = intArg(env, a[0], "kind");
  if (kind < 0 || kind > 3) throw JsError{"native-kernels: kind must be 0, 1, 2 or 3"};
  const std::string& name = plan(Conv::read(env, a[1]), static_cast<ConvKind>(kind)).implementation;
  napi_value out;
  check(napi_create_string_utf8(env, name.c_str(), name.size(), &out), "result");
  return out;
}

// version(): "oneDNN major.minor.patch (cpu runtime)".
napi_value Version(napi_env env, napi_callback_info) {
  const dnnl_version_t* v = dnnl_version();
  std::string s = "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  napi_value out;
  check(napi_create_string_utf8(env, s.c_str(), s.size(), &out), "result");
  return out;
}

// Wraps a function so oneDNN and argument errors reach JS as exceptions.
template <napi_value (*F)(napi_env, napi_callback_info)>
napi_value guarded(napi_env env, napi_callback_info info) {
  try {
    return F(env, info);
  } catch (const JsError& e) {
    napi_throw_error(env, nullptr, e.message.c_str());
  } catch (const dnnl::error& e) {
    napi_throw_error(env, nullptr, (std::string("oneDNN: ") + e.what()).c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"conv2dForward", nullptr, guarded<Conv2dForward>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardInput", nullptr, guarded<Conv2dBackwardInput>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardFilter", nullptr, guarded<Conv2dBackwardFilter>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matmul", nullptr, guarded<Matmul>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduce", nullptr, guarded<Reduce>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"instanceNorm", nullptr, guarded<InstanceNorm>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"instanceNormGrad", nullptr, guarded<InstanceNormGrad>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mirrorPadGrad", nullptr, guarded<MirrorPadGrad>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, guarded<Adam>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"implementation", nullptr, guarded<Implementation>, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, guarded<Version>, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
