#include "graph.h"

#include <cmath>

size_t trainingGraphSize(const BaseModel & model) {
    // ~60 forward nodes per layer; the backward graph roughly triples that, AdamW adds one node per parameter.
    return 4096 + size_t(model.hp.n_layer) * 1024;
}

// W x, plus the LoRA update (alpha / r) * B (A x) when W is adapted.
static ggml_tensor * loraMatmul(ggml_context * ctx, const LoraAdapter * lora, ggml_tensor * w, ggml_tensor * x) {
    ggml_tensor * y = ggml_mul_mat(ctx, w, x);
    const LoraTarget * t = lora ? lora->find(w) : nullptr;
    if (t) {
        ggml_tensor * ax = ggml_mul_mat(ctx, t->a, x);
        ggml_tensor * bax = ggml_mul_mat(ctx, t->b, ax);
        y = ggml_add(ctx, y, ggml_scale(ctx, bax, lora->scale()));
    }
    return y;
}

static ggml_tensor * rmsNorm(ggml_context * ctx, ggml_tensor * x, ggml_tensor * weight, float eps) {
    return ggml_mul(ctx, ggml_rms_norm(ctx, x, eps), weight);
}

TrainingGraph buildTrainingGraph(ggml_context * ctx, const BaseModel & model, const LoraAdapter * lora, int64_t T) {
    const Qwen2Hparams & hp = model.hp;
    const int64_t headDim = hp.headDim();
    TrainingGraph g;
    g.gf = ggml_new_graph_custom(ctx, trainingGraphSize(model), /*grads =*/ true);

    g.tokens = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, T);
    g.positions = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, T);
    g.mask = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, T, T);
    g.targets = ggml_new_tensor_1d(ctx, GGML_TYPE_I32, T);
    g.weights = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 1, T);
    ggml_set_name(g.tokens, "tokens");
    ggml_set_name(g.positions, "positions");
    ggml_set_name(g.mask, "kq_mask");
    ggml_set_name(g.targets, "targets");
    ggml_set_name(g.weights, "token_weights");
    for (ggml_tensor * input : {g.tokens, g.positions, g.mask, g.targets, g.weights}) ggml_set_input(input);

    const float kqScale = 1.0f / std::sqrt(float(headDim));
    ggml_tensor * x = ggml_get_rows(ctx, model.tok_embd, g.tokens); // [n_embd, T]

    for (int64_t il = 0; il < hp.n_layer; il++) {
        const Qwen2Layer & L = model.layers[il];
        ggml_tensor * residual = x;
        ggml_tensor * h = rmsNorm(ctx, x, L.attn_norm, hp.rms_eps);

        ggml_tensor * q = loraMatmul(ctx, lora, L.wq, h);
        ggml_tensor * k = loraMatmul(ctx, lora, L.wk, h);
        ggml_tensor * v = loraMatmul(ctx, lora, L.wv, h);
        if (L.bq) q = ggml_add(ctx, q, L.bq);
        if (L.bk) k = ggml_add(ctx, k, L.bk);
        if (L.bv) v = ggml_add(ctx, v, L.bv);
        q = ggml_reshape_3d(ctx, q, headDim, hp.n_head, T);
        k = ggml_reshape_3d(ctx, k, headDim, hp.n_head_kv, T);
        v = ggml_reshape_3d(ctx, v, headDim, hp.n_head_kv, T);

        q = ggml_rope_ext(ctx, q, g.positions, nullptr, int(headDim), GGML_ROPE_TYPE_NEOX, int(hp.n_ctx_train),
                          hp.rope_freq_base, hp.rope_freq_scale, 0.0f, 1.0f, 32.0f, 1.0f);
        k = ggml_rope_ext(ctx, k, g.positions, nullptr, int(headDim), GGML_ROPE_TYPE_NEOX, int(hp.n_ctx_train),
                          hp.rope_freq_base, hp.rope_freq_scale, 0.0f, 1.0f, 32.0f, 1.0f);

        // [head_dim, T, heads]; K and V keep n_head_kv heads and mul_mat broadcasts them over the query groups (GQA).
        ggml_tensor * Q = ggml_cont(ctx, ggml_permute(ctx, q, 0, 2, 1, 3));
        ggml_tensor * K = ggml_cont(ctx, ggml_permute(ctx, k, 0, 2, 1, 3));
        ggml_tensor * kq = ggml_mul_mat(ctx, K, Q); // [T_k, T_q, n_head]
        kq = ggml_soft_max_ext(ctx, kq, g.mask, kqScale, 0.0f);
        ggml_set_output(kq); // see the vocabulary softmax below
        ggml_tensor * Vt = ggml_cont(ctx, ggml_permute(ctx, v, 1, 2, 0, 3)); // [T_k, head_dim, n_head_kv]
        ggml_tensor * kqv = ggml_mul_mat(ctx, Vt, kq);                       // [head_dim, T_q, n_head]
        ggml_tensor * attn = ggml_cont_2d(ctx, ggml_permute(ctx, kqv, 0, 2, 1, 3), hp.n_embd, T);
        attn = loraMatmul(ctx, lora, L.wo, attn);
        x = ggml_add(ctx, attn, residual);

        residual = x;
        h = rmsNorm(ctx, x, L.ffn_norm, hp.rms_eps);
        ggml_tensor * gate = loraMatmul(ctx, lora, L.ffn_gate, h);
        ggml_tensor * up = loraMatmul(ctx, lora, L.ffn_up, h);
        ggml_tensor * ff = loraMatmul(ctx, lora, L.ffn_down, ggml_swiglu_split(ctx, gate, up));
        x = ggml_add(ctx, ff, residual);
    }

    x = rmsNorm(ctx, x, model.output_norm, hp.rms_eps);
    ggml_tensor * logits = ggml_mul_mat(ctx, model.output, x); // [n_vocab, T]
    if (model.output_b) logits = ggml_add(ctx, logits, model.output_b);

    // Weighted NLL from ops (ggml_cross_entropy_loss's backward assumes label rows summing to 1, so no weights):
    // softmax over the vocabulary, the target's probability picked by get_rows from the flattened [1, n_vocab*T]
    // view, then log. The 1e-30 keeps log finite where a probability underflows (weight-0 padding rows included).
    ggml_tensor * probs = ggml_soft_max(ctx, logits);
    // Keep both softmax outputs out of ggml-alloc's in-place reuse: it may place SOFT_MAX_BACK's result over its src1
    // (the softmax output y), and the CPU kernel writes dx := dy before reading y, so the gradient came out ~1e9 off.
    ggml_set_output(probs);
    ggml_tensor * flat = ggml_reshape_2d(ctx, probs, 1, hp.n_vocab * T);
    ggml_tensor * picked = ggml_get_rows(ctx, flat, g.targets); // [1, T]
    g.logp = ggml_log(ctx, ggml_scale_bias(ctx, picked, 1.0f, 1e-30f));
    ggml_set_name(g.logp, "logp");
    ggml_set_output(g.logp);
    g.loss = ggml_scale(ctx, ggml_mul(ctx, g.logp, g.weights), -1.0f);
    ggml_set_name(g.loss, "weighted_nll");
    ggml_build_forward_expand(g.gf, g.loss);
    return g;
}
