// The qwen2 forward graph for training, written to match llama.cpp's (src/models/qwen2.cpp, llm_graph_context::
// build_attn_mha) but made of ops that all have a backward pass: no KV cache, no flash attention.
#pragma once

#include "ggml.h"
#include "lora.h"
#include "model.h"

struct TrainingGraph {
    ggml_cgraph * gf = nullptr;
    ggml_tensor * tokens = nullptr;    // I32 [T]
    ggml_tensor * positions = nullptr; // I32 [T], position of each token within its own sequence
    ggml_tensor * mask = nullptr;      // F32 [T, T], 0 where query row may attend key column, -inf elsewhere
    ggml_tensor * targets = nullptr;   // I32 [T], t * n_vocab + next token: row of the flattened probabilities
    ggml_tensor * weights = nullptr;   // F32 [1, T], weight of the prediction made at t (0 for prompt and padding)
    ggml_tensor * logp = nullptr;      // F32 [1, T], log p(next token | prefix)
    ggml_tensor * loss = nullptr;      // F32 [1, T], -weights * logp; ggml-opt sums it (GGML_OPT_LOSS_TYPE_SUM)
};

// Node capacity for the forward graph; ggml-opt duplicates it for the backward and optimizer graphs.
size_t trainingGraphSize(const BaseModel & model);

// Builds the graph in `ctx` (no_alloc). `lora` may be null (base model only).
TrainingGraph buildTrainingGraph(ggml_context * ctx, const BaseModel & model, const LoraAdapter * lora, int64_t nTokens);
