#include "model.h"

#include <cctype>
#include <cstring>
#include <fstream>

#include "common.h"
#include "gguf.h"

BaseModel::~BaseModel() {
    if (buffer) ggml_backend_buffer_free(buffer);
    if (ctx) ggml_free(ctx);
}

ggml_type parseGgmlType(const std::string & name) {
    auto lower = [](std::string text) {
        for (char & c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
        return text;
    };
    for (int t = 0; t < GGML_TYPE_COUNT; t++) {
        const char * typeName = ggml_type_name(ggml_type(t));
        if (typeName && lower(typeName) == lower(name) && ggml_get_type_traits(ggml_type(t))->blck_size > 0 &&
            !ggml_quantize_requires_imatrix(ggml_type(t))) {
            return ggml_type(t);
        }
    }
    return GGML_TYPE_COUNT;
}

namespace {

struct GgufFile {
    gguf_context * gguf = nullptr;
    ggml_context * meta = nullptr;
    ~GgufFile() {
        if (gguf) gguf_free(gguf);
        if (meta) ggml_free(meta);
    }
};

int64_t requireKey(gguf_context * gguf, const std::string & key) {
    const int64_t id = gguf_find_key(gguf, key.c_str());
    if (id < 0) fail("The base model has no '" + key + "' (not a complete qwen2 GGUF).");
    return id;
}

int64_t readUint(gguf_context * gguf, const std::string & key) {
    const int64_t id = requireKey(gguf, key);
    switch (gguf_get_kv_type(gguf, id)) {
        case GGUF_TYPE_UINT32: return gguf_get_val_u32(gguf, id);
        case GGUF_TYPE_INT32: return gguf_get_val_i32(gguf, id);
        case GGUF_TYPE_UINT64: return int64_t(gguf_get_val_u64(gguf, id));
        case GGUF_TYPE_INT64: return gguf_get_val_i64(gguf, id);
        case GGUF_TYPE_UINT16: return gguf_get_val_u16(gguf, id);
        default: fail("The base model's '" + key + "' is not an integer.");
    }
}

float readFloat(gguf_context * gguf, const std::string & key, float fallback) {
    const int64_t id = gguf_find_key(gguf, key.c_str());
    if (id < 0) return fallback;
    switch (gguf_get_kv_type(gguf, id)) {
        case GGUF_TYPE_FLOAT32: return gguf_get_val_f32(gguf, id);
        case GGUF_TYPE_FLOAT64: return float(gguf_get_val_f64(gguf, id));
        default: fail("The base model's '" + key + "' is not a number.");
    }
}

std::string readString(gguf_context * gguf, const std::string & key) {
    const int64_t id = gguf_find_key(gguf, key.c_str());
    if (id < 0 || gguf_get_kv_type(gguf, id) != GGUF_TYPE_STRING) return "";
    return gguf_get_val_str(gguf, id);
}

bool isLayerMatrix(const std::string & name) {
    static const char * suffixes[] = {".attn_q.weight", ".attn_k.weight", ".attn_v.weight", ".attn_output.weight",
                                      ".ffn_gate.weight", ".ffn_up.weight", ".ffn_down.weight"};
    if (name.rfind("blk.", 0) != 0) return false;
    for (const char * suffix : suffixes) {
        const size_t n = strlen(suffix);
        if (name.size() > n && name.compare(name.size() - n, n, suffix) == 0) return true;
    }
    return false;
}

} // namespace

std::unique_ptr<BaseModel> loadBaseModel(const std::string & path, ggml_backend_buffer_type_t buft, ggml_type convertTo) {
    std::ifstream file(path, std::ios::binary);
    if (!file) fail("The base model file " + path + " does not exist or cannot be read.");
    file.seekg(0, std::ios::end);
    const uint64_t fileSize = uint64_t(file.tellg());

    GgufFile src;
    gguf_init_params params = {/*.no_alloc =*/ true, /*.ctx =*/ &src.meta};
    src.gguf = gguf_init_from_file(path.c_str(), params);
    if (!src.gguf) fail("The base model " + path + " is not a readable GGUF file (truncated or not GGUF).");

    auto model = std::make_unique<BaseModel>();
    model->path = path;
    model->architecture = readString(src.gguf, "general.architecture");
    model->name = readString(src.gguf, "general.name");
    if (model->architecture != "qwen2") {
        fail("The base model's architecture is '" + model->architecture +
             "'; the trainer supports qwen2 (Qwen2, Qwen2.5, DianJin-R1) only.");
    }
    const std::string a = model->architecture;
    Qwen2Hparams & hp = model->hp;
    hp.n_embd = readUint(src.gguf, a + ".embedding_length");
    hp.n_layer = readUint(src.gguf, a + ".block_count");
    hp.n_ff = readUint(src.gguf, a + ".feed_forward_length");
    hp.n_head = readUint(src.gguf, a + ".attention.head_count");
    hp.n_head_kv = gguf_find_key(src.gguf, (a + ".attention.head_count_kv").c_str()) >= 0
                       ? readUint(src.gguf, a + ".attention.head_count_kv") : hp.n_head;
    hp.n_ctx_train = readUint(src.gguf, a + ".context_length");
    hp.rms_eps = readFloat(src.gguf, a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    hp.rope_freq_base = readFloat(src.gguf, a + ".rope.freq_base", 10000.0f);
    const std::string ropeScaling = readString(src.gguf, a + ".rope.scaling.type");
    if (!ropeScaling.empty() && ropeScaling != "none") {
        if (ropeScaling != "linear") fail("The base model uses '" + ropeScaling + "' rope scaling, which the trainer does not support.");
        const float factor = readFloat(src.gguf, a + ".rope.scaling.factor", 1.0f);
        hp.rope_freq_scale = factor > 0 ? 1.0f / factor : 1.0f;
    }
    if (hp.n_embd <= 0 || hp.n_head <= 0 || hp.n_head_kv <= 0 || hp.n_layer <= 0 || hp.n_embd % hp.n_head != 0 ||
        hp.n_head % hp.n_head_kv != 0) {
        fail("The base model's attention shape is inconsistent (embedding, head and KV-head counts).");
    }

    const int64_t n_tensors = gguf_get_n_tensors(src.gguf);
    ggml_init_params ctxParams = {size_t(n_tensors + 1) * ggml_tensor_overhead(), nullptr, /*.no_alloc =*/ true};
    model->ctx = ggml_init(ctxParams);

    struct Pending {
        ggml_tensor * source;
        ggml_tensor * target;
        size_t offset;
    };
    std::vector<Pending> pending;
    for (ggml_tensor * t = ggml_get_first_tensor(src.meta); t; t = ggml_get_next_tensor(src.meta, t)) {
        ggml_type type = t->type;
        if (convertTo != GGML_TYPE_COUNT && isLayerMatrix(t->name) && type != convertTo) {
            if (t->ne[0] % ggml_blck_size(convertTo) != 0) {
                fail(std::string("Cannot convert ") + t->name + " to " + ggml_type_name(convertTo) + ": its rows (" +
                     std::to_string(t->ne[0]) + ") are not a multiple of the block size " +
                     std::to_string(ggml_blck_size(convertTo)) + ".");
            }
            type = convertTo;
        }
        ggml_tensor * target = ggml_new_tensor(model->ctx, type, ggml_n_dims(t), t->ne);
        ggml_set_name(target, t->name);
        model->tensors[t->name] = target;
        const int64_t id = gguf_find_tensor(src.gguf, t->name);
        const size_t offset = gguf_get_data_offset(src.gguf) + gguf_get_tensor_offset(src.gguf, id);
        if (offset + ggml_nbytes(t) > fileSize) {
            fail("The base model " + path + " is truncated (tensor " + t->name + " lies past the end of the file).");
        }
        pending.push_back({t, target, offset});
    }

    auto get = [&](const std::string & name, std::initializer_list<int64_t> shape, bool required) -> ggml_tensor * {
        auto it = model->tensors.find(name);
        if (it == model->tensors.end()) {
            if (required) fail("The base model has no tensor '" + name + "' (not a complete qwen2 GGUF).");
            return nullptr;
        }
        int i = 0;
        for (int64_t dim : shape) {
            if (it->second->ne[i] != dim) fail("The base model's tensor '" + name + "' has an unexpected shape.");
            i++;
        }
        return it->second;
    };
    model->tok_embd = get("token_embd.weight", {hp.n_embd}, true);
    hp.n_vocab = model->tok_embd->ne[1];
    model->output_norm = get("output_norm.weight", {hp.n_embd}, true);
    model->output = get("output.weight", {hp.n_embd, hp.n_vocab}, false);
    if (!model->output) model->output = model->tok_embd;
    model->output_b = get("output.bias", {hp.n_vocab}, false);
    const int64_t kv = hp.kvDim();
    for (int64_t il = 0; il < hp.n_layer; il++) {
        const std::string p = "blk." + std::to_string(il) + ".";
        Qwen2Layer l;
        l.attn_norm = get(p + "attn_norm.weight", {hp.n_embd}, true);
        l.wq = get(p + "attn_q.weight", {hp.n_embd, hp.n_embd}, true);
        l.bq = get(p + "attn_q.bias", {hp.n_embd}, false);
        l.wk = get(p + "attn_k.weight", {hp.n_embd, kv}, true);
        l.bk = get(p + "attn_k.bias", {kv}, false);
        l.wv = get(p + "attn_v.weight", {hp.n_embd, kv}, true);
        l.bv = get(p + "attn_v.bias", {kv}, false);
        l.wo = get(p + "attn_output.weight", {hp.n_embd, hp.n_embd}, true);
        l.ffn_norm = get(p + "ffn_norm.weight", {hp.n_embd}, true);
        l.ffn_gate = get(p + "ffn_gate.weight", {hp.n_embd, hp.n_ff}, true);
        l.ffn_up = get(p + "ffn_up.weight", {hp.n_embd, hp.n_ff}, true);
        l.ffn_down = get(p + "ffn_down.weight", {hp.n_ff, hp.n_embd}, true);
        model->layers.push_back(l);
    }
    model->weightType = ggml_type_name(model->layers[0].wq->type);

    model->buffer = ggml_backend_alloc_ctx_tensors_from_buft(model->ctx, buft);
    if (!model->buffer) fail("Not enough memory to load the base model " + path + ".");
    ggml_backend_buffer_set_usage(model->buffer, GGML_BACKEND_BUFFER_USAGE_WEIGHTS);
    model->weightBytes = ggml_backend_buffer_get_size(model->buffer);

    std::vector<uint8_t> raw;
    std::vector<float> f32;
    std::vector<uint8_t> converted;
    for (const Pending & p : pending) {
        raw.resize(ggml_nbytes(p.source));
        file.seekg(std::streamoff(p.offset));
        file.read(reinterpret_cast<char *>(raw.data()), std::streamsize(raw.size()));
        if (!file) fail("Could not read tensor " + std::string(p.source->name) + " from " + path + ".");
        if (p.source->type == p.target->type) {
            ggml_backend_tensor_set(p.target, raw.data(), 0, raw.size());
            continue;
        }
        const int64_t n = ggml_nelements(p.source);
        f32.resize(size_t(n));
        if (p.source->type == GGML_TYPE_F32) {
            memcpy(f32.data(), raw.data(), size_t(n) * sizeof(float));
        } else {
            const ggml_type_traits * traits = ggml_get_type_traits(p.source->type);
            if (!traits->to_float) fail(std::string("Cannot convert tensor ") + p.source->name + " from " + ggml_type_name(p.source->type) + ".");
            traits->to_float(raw.data(), f32.data(), n);
        }
        converted.resize(ggml_nbytes(p.target));
        ggml_quantize_chunk(p.target->type, f32.data(), converted.data(), 0, n / p.source->ne[0], p.source->ne[0], nullptr);
        ggml_backend_tensor_set(p.target, converted.data(), 0, converted.size());
    }
    return model;
}
