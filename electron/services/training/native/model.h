// The frozen base model: qwen2 hyperparameters and weights read from a GGUF with ggml's gguf API.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ggml.h"
#include "ggml-backend.h"

struct Qwen2Hparams {
    int64_t n_vocab = 0;
    int64_t n_embd = 0;
    int64_t n_layer = 0;
    int64_t n_ff = 0;
    int64_t n_head = 0;
    int64_t n_head_kv = 0;
    int64_t n_ctx_train = 0;
    float rms_eps = 1e-6f;
    float rope_freq_base = 10000.0f;
    float rope_freq_scale = 1.0f;

    int64_t headDim() const { return n_embd / n_head; }
    int64_t kvDim() const { return headDim() * n_head_kv; }
};

struct Qwen2Layer {
    ggml_tensor * attn_norm = nullptr;
    ggml_tensor * wq = nullptr;
    ggml_tensor * bq = nullptr;
    ggml_tensor * wk = nullptr;
    ggml_tensor * bk = nullptr;
    ggml_tensor * wv = nullptr;
    ggml_tensor * bv = nullptr;
    ggml_tensor * wo = nullptr;
    ggml_tensor * ffn_norm = nullptr;
    ggml_tensor * ffn_gate = nullptr;
    ggml_tensor * ffn_up = nullptr;
    ggml_tensor * ffn_down = nullptr;
};

struct BaseModel {
    std::string path;
    std::string architecture;
    std::string name;
    Qwen2Hparams hp;
    ggml_tensor * tok_embd = nullptr;
    ggml_tensor * output_norm = nullptr;
    ggml_tensor * output = nullptr; // token_embd when the model ties its output head (no output.weight)
    ggml_tensor * output_b = nullptr;
    std::vector<Qwen2Layer> layers;
    std::map<std::string, ggml_tensor *> tensors;
    std::string weightType; // type of the attention/FFN matrices, e.g. "q8_0"
    size_t weightBytes = 0;

    ggml_context * ctx = nullptr;
    ggml_backend_buffer_t buffer = nullptr;

    BaseModel() = default;
    BaseModel(const BaseModel &) = delete;
    BaseModel & operator=(const BaseModel &) = delete;
    ~BaseModel();
};

// Loads the base model into a buffer of `buft`. `convertTo` (GGML_TYPE_COUNT = keep) converts the layer matrices on
// load, e.g. to compare gradients through a Q8_0 base with those through the F32 original.
std::unique_ptr<BaseModel> loadBaseModel(const std::string & path, ggml_backend_buffer_type_t buft, ggml_type convertTo);

// "f32", "f16", "q8_0", "q4_k", ... -> ggml type; GGML_TYPE_COUNT when unknown.
ggml_type parseGgmlType(const std::string & name);
