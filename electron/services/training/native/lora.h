// LoRA adapter tensors: y = W x + (alpha / r) * B (A x), with A [n_in, r] and B [r, n_out] in ggml order, named
// `<base tensor>.lora_a` / `.lora_b` as llama.cpp's adapter loader (src/llama-adapter.cpp) expects.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ggml.h"
#include "ggml-backend.h"
#include "model.h"

struct gguf_context;

struct LoraTarget {
    std::string weightName; // e.g. "blk.0.attn_q.weight"
    ggml_tensor * weight = nullptr;
    ggml_tensor * a = nullptr;
    ggml_tensor * b = nullptr;
};

struct LoraAdapter {
    int rank = 0;
    float alpha = 0;
    std::vector<std::string> modules; // e.g. "attn_q", "ffn_down"
    std::vector<LoraTarget> targets;
    std::map<const ggml_tensor *, size_t> byWeight;
    ggml_context * ctx = nullptr;
    ggml_backend_buffer_t buffer = nullptr;

    float scale() const { return alpha / float(rank); }
    const LoraTarget * find(const ggml_tensor * weight) const;
    std::vector<ggml_tensor *> parameters() const; // a0, b0, a1, b1, ...
    int64_t parameterCount() const;

    LoraAdapter() = default;
    LoraAdapter(const LoraAdapter &) = delete;
    LoraAdapter & operator=(const LoraAdapter &) = delete;
    ~LoraAdapter();
};

// The modules LoRA may adapt, in llama.cpp's tensor names.
extern const std::vector<std::string> kLoraModules;

// Accepts llama.cpp names (attn_q, ffn_down, ...) and Hugging Face PEFT names (q_proj, down_proj, ...).
std::vector<std::string> parseLoraModules(const std::vector<std::string> & names);

// Creates A and B for `modules` of every layer as trainable (ggml_set_param) F32 tensors in a buffer of `buft`.
std::unique_ptr<LoraAdapter> createLora(const BaseModel & model, int rank, float alpha,
                                        const std::vector<std::string> & modules, ggml_backend_buffer_type_t buft);

// Standard LoRA init: A ~ U(-1/sqrt(n_in), 1/sqrt(n_in)) (PEFT's kaiming-uniform bound), B = 0. With bStd > 0, B is
// drawn from N(0, bStd) too (gradient checks need B != 0, or A's gradient is zero).
void initLoraRandom(LoraAdapter & lora, uint32_t seed, float bStd);

struct AdapterFileInfo {
    int rank = 0;
    float alpha = 0;
    std::string architecture;
    std::vector<std::string> modules;
};

// Reads rank, alpha and modules of an adapter (or checkpoint) GGUF, checking it against the base model.
AdapterFileInfo inspectAdapterFile(const std::string & path, const BaseModel & model);

// A float tensor read from or written to a GGUF beside the adapter's own (optimizer moments in checkpoints).
struct HostTensor {
    std::vector<int64_t> shape;
    std::vector<float> data;
};

// Copies A and B from the file into `lora`; other F32 tensors go to `extra` when given. `readKv` sees the metadata.
void loadLoraFile(LoraAdapter & lora, const std::string & path, std::map<std::string, HostTensor> * extra,
                  void (*readKv)(gguf_context *, void *) = nullptr, void * readKvData = nullptr);

// Writes an adapter GGUF llama.cpp loads (general.type=adapter, adapter.type=lora, adapter.lora.alpha), plus
// `extra` tensors and whatever `writeKv` adds, atomically (temp file + rename).
void saveLoraFile(const LoraAdapter & lora, const BaseModel & model, const std::string & path,
                  const std::map<std::string, HostTensor> & extra,
                  void (*writeKv)(gguf_context *, void *) = nullptr, void * writeKvData = nullptr);
