#include "lora.h"

#include <cmath>
#include <cstring>
#include <random>
#include <set>

#include "common.h"
#include "gguf.h"

const std::vector<std::string> kLoraModules = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};

LoraAdapter::~LoraAdapter() {
    if (buffer) ggml_backend_buffer_free(buffer);
    if (ctx) ggml_free(ctx);
}

const LoraTarget * LoraAdapter::find(const ggml_tensor * weight) const {
    auto it = byWeight.find(weight);
    return it == byWeight.end() ? nullptr : &targets[it->second];
}

std::vector<ggml_tensor *> LoraAdapter::parameters() const {
    std::vector<ggml_tensor *> result;
    for (const LoraTarget & t : targets) {
        result.push_back(t.a);
        result.push_back(t.b);
    }
    return result;
}

int64_t LoraAdapter::parameterCount() const {
    int64_t n = 0;
    for (const LoraTarget & t : targets) n += ggml_nelements(t.a) + ggml_nelements(t.b);
    return n;
}

std::vector<std::string> parseLoraModules(const std::vector<std::string> & names) {
    static const std::map<std::string, std::string> aliases = {
        {"q_proj", "attn_q"}, {"k_proj", "attn_k"}, {"v_proj", "attn_v"}, {"o_proj", "attn_output"},
        {"gate_proj", "ffn_gate"}, {"up_proj", "ffn_up"}, {"down_proj", "ffn_down"},
    };
    std::set<std::string> chosen;
    for (std::string name : names) {
        auto alias = aliases.find(name);
        if (alias != aliases.end()) name = alias->second;
        bool known = false;
        for (const std::string & m : kLoraModules) known = known || m == name;
        if (!known) {
            fail("Unknown LoRA target '" + name + "'; use attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up or ffn_down.");
        }
        chosen.insert(name);
    }
    if (chosen.empty()) fail("targets is empty; name at least one module to adapt (e.g. attn_q).");
    std::vector<std::string> ordered;
    for (const std::string & m : kLoraModules) {
        if (chosen.count(m)) ordered.push_back(m);
    }
    return ordered;
}

static ggml_tensor * moduleWeight(const Qwen2Layer & layer, const std::string & module) {
    if (module == "attn_q") return layer.wq;
    if (module == "attn_k") return layer.wk;
    if (module == "attn_v") return layer.wv;
    if (module == "attn_output") return layer.wo;
    if (module == "ffn_gate") return layer.ffn_gate;
    if (module == "ffn_up") return layer.ffn_up;
    if (module == "ffn_down") return layer.ffn_down;
    return nullptr;
}

std::unique_ptr<LoraAdapter> createLora(const BaseModel & model, int rank, float alpha,
                                        const std::vector<std::string> & modules, ggml_backend_buffer_type_t buft) {
    if (rank <= 0) fail("rank must be a positive integer (e.g. 8 or 16).");
    auto lora = std::make_unique<LoraAdapter>();
    lora->rank = rank;
    lora->alpha = alpha;
    lora->modules = modules;
    const size_t n = size_t(model.hp.n_layer) * modules.size() * 2;
    ggml_init_params params = {(n + 1) * ggml_tensor_overhead(), nullptr, /*.no_alloc =*/ true};
    lora->ctx = ggml_init(params);
    for (int64_t il = 0; il < model.hp.n_layer; il++) {
        for (const std::string & module : modules) {
            LoraTarget t;
            t.weight = moduleWeight(model.layers[il], module);
            t.weightName = t.weight->name;
            if (rank > t.weight->ne[0] || rank > t.weight->ne[1]) {
                fail("rank " + std::to_string(rank) + " is larger than the adapted matrix " + t.weightName + ".");
            }
            t.a = ggml_new_tensor_2d(lora->ctx, GGML_TYPE_F32, t.weight->ne[0], rank);
            t.b = ggml_new_tensor_2d(lora->ctx, GGML_TYPE_F32, rank, t.weight->ne[1]);
            ggml_set_name(t.a, (t.weightName + ".lora_a").c_str());
            ggml_set_name(t.b, (t.weightName + ".lora_b").c_str());
            ggml_set_param(t.a);
            ggml_set_param(t.b);
            lora->byWeight[t.weight] = lora->targets.size();
            lora->targets.push_back(t);
        }
    }
    lora->buffer = ggml_backend_alloc_ctx_tensors_from_buft(lora->ctx, buft);
    if (!lora->buffer) fail("Not enough memory for the LoRA adapter.");
    return lora;
}

void initLoraRandom(LoraAdapter & lora, uint32_t seed, float bStd) {
    std::mt19937 rng(seed);
    std::vector<float> values;
    for (const LoraTarget & t : lora.targets) {
        const float bound = 1.0f / std::sqrt(float(t.a->ne[0]));
        std::uniform_real_distribution<float> uniform(-bound, bound);
        values.resize(size_t(ggml_nelements(t.a)));
        for (float & v : values) v = uniform(rng);
        ggml_backend_tensor_set(t.a, values.data(), 0, ggml_nbytes(t.a));
        values.assign(size_t(ggml_nelements(t.b)), 0.0f);
        if (bStd > 0) {
            std::normal_distribution<float> normal(0.0f, bStd);
            for (float & v : values) v = normal(rng);
        }
        ggml_backend_tensor_set(t.b, values.data(), 0, ggml_nbytes(t.b));
    }
}

namespace {

struct GgufRead {
    gguf_context * gguf = nullptr;
    ggml_context * data = nullptr;
    ~GgufRead() {
        if (gguf) gguf_free(gguf);
        if (data) ggml_free(data);
    }
};

bool endsWith(const std::string & s, const std::string & suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string ggufString(gguf_context * gguf, const char * key) {
    const int64_t id = gguf_find_key(gguf, key);
    if (id < 0 || gguf_get_kv_type(gguf, id) != GGUF_TYPE_STRING) return "";
    return gguf_get_val_str(gguf, id);
}

void openGguf(GgufRead & r, const std::string & path, bool withData) {
    gguf_init_params params = {/*.no_alloc =*/ !withData, /*.ctx =*/ &r.data};
    r.gguf = gguf_init_from_file(path.c_str(), params);
    if (!r.gguf) fail("The adapter " + path + " does not exist or is not a readable GGUF file.");
}

} // namespace

AdapterFileInfo inspectAdapterFile(const std::string & path, const BaseModel & model) {
    GgufRead r;
    openGguf(r, path, false);
    AdapterFileInfo info;
    if (ggufString(r.gguf, "general.type") != "adapter" || ggufString(r.gguf, "adapter.type") != "lora") {
        fail("The file " + path + " is not a LoRA adapter (general.type must be 'adapter', adapter.type 'lora').");
    }
    info.architecture = ggufString(r.gguf, "general.architecture");
    if (info.architecture != model.architecture) {
        fail("The adapter " + path + " is for '" + info.architecture + "', the base model is '" + model.architecture + "'.");
    }
    const int64_t alphaId = gguf_find_key(r.gguf, "adapter.lora.alpha");
    info.alpha = alphaId >= 0 ? gguf_get_val_f32(r.gguf, alphaId) : 0.0f;
    std::set<std::string> modules;
    for (ggml_tensor * t = ggml_get_first_tensor(r.data); t; t = ggml_get_next_tensor(r.data, t)) {
        const std::string name = t->name;
        if (!endsWith(name, ".lora_a")) continue;
        const std::string base = name.substr(0, name.size() - 7);
        auto w = model.tensors.find(base);
        if (w == model.tensors.end()) fail("The adapter " + path + " adapts '" + base + "', which the base model lacks.");
        if (info.rank == 0) info.rank = int(t->ne[1]);
        if (t->ne[1] != info.rank) fail("The adapter " + path + " mixes LoRA ranks, which the trainer does not support.");
        // "blk.N.<module>.weight"
        const size_t first = base.find('.'), second = base.find('.', first + 1), last = base.rfind('.');
        if (base.rfind("blk.", 0) != 0 || second == std::string::npos || last <= second) {
            fail("The adapter " + path + " adapts '" + base + "'; the trainer adapts layer matrices only.");
        }
        modules.insert(base.substr(second + 1, last - second - 1));
    }
    if (info.rank == 0) fail("The adapter " + path + " has no LoRA tensors.");
    if (info.alpha == 0) info.alpha = float(info.rank); // llama.cpp: alpha 0 means scale 1
    info.modules = parseLoraModules(std::vector<std::string>(modules.begin(), modules.end()));
    return info;
}

void loadLoraFile(LoraAdapter & lora, const std::string & path, std::map<std::string, HostTensor> * extra,
                  void (*readKv)(gguf_context *, void *), void * readKvData) {
    GgufRead r;
    openGguf(r, path, true);
    if (readKv) readKv(r.gguf, readKvData);
    std::set<std::string> seen;
    for (ggml_tensor * t = ggml_get_first_tensor(r.data); t; t = ggml_get_next_tensor(r.data, t)) {
        const std::string name = t->name;
        ggml_tensor * target = nullptr;
        for (const LoraTarget & lt : lora.targets) {
            if (name == lt.weightName + ".lora_a") target = lt.a;
            if (name == lt.weightName + ".lora_b") target = lt.b;
        }
        if (target) {
            if (!ggml_are_same_shape(t, target) || t->type != GGML_TYPE_F32) {
                fail("The tensor " + name + " in " + path + " does not match the adapter being trained (rank or base model differ).");
            }
            ggml_backend_tensor_set(target, t->data, 0, ggml_nbytes(target));
            seen.insert(name);
        } else if (extra && t->type == GGML_TYPE_F32) {
            HostTensor h;
            for (int i = 0; i < ggml_n_dims(t); i++) h.shape.push_back(t->ne[i]);
            h.data.assign(static_cast<const float *>(t->data), static_cast<const float *>(t->data) + ggml_nelements(t));
            (*extra)[name] = std::move(h);
        }
    }
    if (seen.size() != lora.targets.size() * 2) {
        fail("The adapter " + path + " lacks some of the LoRA tensors being trained (targets differ).");
    }
}

void saveLoraFile(const LoraAdapter & lora, const BaseModel & model, const std::string & path,
                  const std::map<std::string, HostTensor> & extra,
                  void (*writeKv)(gguf_context *, void *), void * writeKvData) {
    const size_t nTensors = lora.targets.size() * 2 + extra.size();
    size_t bytes = 0;
    for (const LoraTarget & t : lora.targets) bytes += ggml_nbytes(t.a) + ggml_nbytes(t.b);
    for (const auto & e : extra) bytes += e.second.data.size() * sizeof(float);
    ggml_init_params params = {(nTensors + 1) * ggml_tensor_overhead() + bytes + nTensors * 64, nullptr, false};
    ggml_context * host = ggml_init(params);
    gguf_context * gguf = gguf_init_empty();
    gguf_set_val_str(gguf, "general.architecture", model.architecture.c_str());
    gguf_set_val_str(gguf, "general.type", "adapter");
    gguf_set_val_str(gguf, "general.name", "DianJin Workbench LoRA");
    gguf_set_val_str(gguf, "adapter.type", "lora");
    gguf_set_val_f32(gguf, "adapter.lora.alpha", lora.alpha);
    if (writeKv) writeKv(gguf, writeKvData);
    for (const LoraTarget & t : lora.targets) {
        for (ggml_tensor * src : {t.a, t.b}) {
            ggml_tensor * copy = ggml_dup_tensor(host, src);
            ggml_set_name(copy, src->name);
            ggml_backend_tensor_get(src, copy->data, 0, ggml_nbytes(src));
            gguf_add_tensor(gguf, copy);
        }
    }
    for (const auto & e : extra) {
        int64_t ne[GGML_MAX_DIMS] = {1, 1, 1, 1};
        for (size_t i = 0; i < e.second.shape.size(); i++) ne[i] = e.second.shape[i];
        ggml_tensor * copy = ggml_new_tensor(host, GGML_TYPE_F32, int(e.second.shape.size()), ne);
        ggml_set_name(copy, e.first.c_str());
        memcpy(copy->data, e.second.data.data(), ggml_nbytes(copy));
        gguf_add_tensor(gguf, copy);
    }
    writeAtomically(path, [&](const std::string & tmp) { return gguf_write_to_file(gguf, tmp.c_str(), false); });
    gguf_free(gguf);
    ggml_free(host);
}
