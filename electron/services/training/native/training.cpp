#include "training.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <thread>

#ifdef _WIN32
#    define WIN32_LEAN_AND_MEAN
#    include <windows.h>
#    include <psapi.h>
#else
#    include <sys/resource.h>
#endif

#include "ggml-alloc.h"
#include "ggml-cpu.h"
#include "gguf.h"

std::atomic<bool> g_stopRequested{false};

int64_t peakMemoryBytes() {
#ifdef _WIN32
    PROCESS_MEMORY_COUNTERS counters;
    if (GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof(counters))) return int64_t(counters.PeakWorkingSetSize);
    return 0;
#else
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
#    ifdef __APPLE__
    return int64_t(usage.ru_maxrss);
#    else
    return int64_t(usage.ru_maxrss) * 1024;
#    endif
#endif
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Config readConfig(const std::string & path, const std::string & mode) {
    std::ifstream in(path);
    if (!in) fail("The job file " + path + " does not exist or cannot be read.");
    json j;
    try {
        j = json::parse(in);
    } catch (const std::exception &) {
        fail("The job file " + path + " is not valid JSON.");
    }
    if (!j.is_object()) fail("The job file " + path + " must hold one JSON object.");

    Config c;
    static const std::set<std::string> known = {
        "model", "baseType", "initAdapter", "data", "validation", "out", "checkpointDir", "rank", "alpha", "targets",
        "lr", "lrSchedule", "warmupSteps", "weightDecay", "beta1", "beta2", "adamEps", "epochs", "steps",
        "contextLength", "batchTokens", "gradAccumulation", "lossNormalization", "seed", "threads", "checkpointEvery",
        "validateEvery", "resume", "gpu", "gradcheck"};
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!known.count(it.key())) fail("Unknown field '" + it.key() + "' in " + path + ".");
    }
    auto str = [&](const char * key, std::string & into) {
        if (!j.contains(key) || j[key].is_null()) return;
        if (!j[key].is_string()) fail(std::string(key) + " must be a string.");
        into = j[key].get<std::string>();
    };
    auto integer = [&](const char * key, auto & into, int64_t min) -> bool {
        if (!j.contains(key) || j[key].is_null()) return false;
        if (!j[key].is_number_integer() || j[key].get<int64_t>() < min) {
            fail(std::string(key) + " must be an integer of at least " + std::to_string(min) + ".");
        }
        into = static_cast<std::remove_reference_t<decltype(into)>>(j[key].get<int64_t>());
        return true;
    };
    auto number = [&](const char * key, auto & into, double min, double max) -> bool {
        if (!j.contains(key) || j[key].is_null()) return false;
        if (!j[key].is_number() || j[key].get<double>() < min || j[key].get<double>() > max) {
            fail(std::string(key) + " must be a number between " + json(min).dump() + " and " + json(max).dump() + ".");
        }
        into = static_cast<std::remove_reference_t<decltype(into)>>(j[key].get<double>());
        return true;
    };
    auto boolean = [&](const char * key, bool & into) {
        if (!j.contains(key) || j[key].is_null()) return;
        if (!j[key].is_boolean()) fail(std::string(key) + " must be true or false.");
        into = j[key].get<bool>();
    };
    str("model", c.model);
    str("baseType", c.baseType);
    str("initAdapter", c.initAdapter);
    str("data", c.data);
    str("validation", c.validation);
    str("out", c.out);
    str("checkpointDir", c.checkpointDir);
    str("lrSchedule", c.lrSchedule);
    str("lossNormalization", c.lossNormalization);
    if (j.contains("rank") && j["rank"].is_number_integer() && j["rank"].get<int64_t>() <= 0) {
        fail("rank must be a positive integer (e.g. 8 or 16).");
    }
    c.rankGiven = integer("rank", c.rank, 1);
    c.alphaGiven = number("alpha", c.alpha, 1e-6, 1e6);
    if (j.contains("targets")) {
        if (!j["targets"].is_array()) fail("targets must be an array of module names (e.g. [\"attn_q\", \"attn_v\"]).");
        std::vector<std::string> names;
        for (const auto & t : j["targets"]) {
            if (!t.is_string()) fail("targets must be an array of module names.");
            names.push_back(t.get<std::string>());
        }
        c.targets = parseLoraModules(names);
        c.targetsGiven = true;
    }
    number("lr", c.lr, 1e-12, 1.0);
    integer("warmupSteps", c.warmupSteps, 0);
    number("weightDecay", c.weightDecay, 0.0, 0.5);
    number("beta1", c.beta1, 0.0, 0.999999);
    number("beta2", c.beta2, 0.0, 0.999999);
    number("adamEps", c.adamEps, 0.0, 1.0);
    integer("epochs", c.epochs, 1);
    integer("steps", c.steps, 1);
    integer("contextLength", c.contextLength, 8);
    int64_t batchTokens = 0;
    if (integer("batchTokens", batchTokens, 1)) c.gradAccumulation = std::max<int64_t>(1, (batchTokens + c.contextLength - 1) / c.contextLength);
    integer("gradAccumulation", c.gradAccumulation, 1);
    int64_t seed = c.seed;
    integer("seed", seed, 0);
    c.seed = uint32_t(seed);
    integer("threads", c.threads, 1);
    integer("checkpointEvery", c.checkpointEvery, 0);
    integer("validateEvery", c.validateEvery, 0);
    boolean("resume", c.resume);
    boolean("gpu", c.gpu);
    if (j.contains("gradcheck")) {
        const json & g = j["gradcheck"];
        if (!g.is_object()) fail("gradcheck must be an object.");
        if (g.contains("samples")) c.gradcheck.samples = std::max(1, g["samples"].get<int>());
        if (g.contains("epsilon")) c.gradcheck.epsilon = g["epsilon"].get<float>();
        if (g.contains("bStd")) c.gradcheck.bStd = g["bStd"].get<float>();
        if (g.contains("compareBaseTypes")) c.gradcheck.compareBaseTypes = g["compareBaseTypes"].get<std::vector<std::string>>();
    }

    if (c.model.empty()) fail("The job needs \"model\": the path of the base GGUF.");
    if (mode != "session" && c.data.empty()) fail("The job needs \"data\": the path of the pre-tokenised sequences (JSON lines).");
    if (mode == "train" && c.out.empty()) fail("The job needs \"out\": where to write the adapter GGUF.");
    if (c.lrSchedule != "constant" && c.lrSchedule != "cosine" && c.lrSchedule != "linear") {
        fail("lrSchedule must be \"constant\", \"cosine\" or \"linear\".");
    }
    if (c.lossNormalization != "tokens" && c.lossNormalization != "sequences" && c.lossNormalization != "none") {
        fail("lossNormalization must be \"tokens\", \"sequences\" or \"none\".");
    }
    if (c.threads <= 0) c.threads = int(std::max(1u, std::thread::hardware_concurrency()));
    return c;
}

ggml_context * newComputeContext(const BaseModel & model) {
    const size_t size = trainingGraphSize(model);
    ggml_init_params params = {4 * size * ggml_tensor_overhead() + 3 * ggml_graph_overhead_custom(size, true), nullptr, true};
    return ggml_init(params);
}

void setInputs(const TrainingGraph & g, const MicroBatchInputs & mb) {
    ggml_backend_tensor_set(g.tokens, mb.tokens.data(), 0, ggml_nbytes(g.tokens));
    ggml_backend_tensor_set(g.positions, mb.positions.data(), 0, ggml_nbytes(g.positions));
    ggml_backend_tensor_set(g.mask, mb.mask.data(), 0, ggml_nbytes(g.mask));
    ggml_backend_tensor_set(g.targets, mb.targets.data(), 0, ggml_nbytes(g.targets));
    ggml_backend_tensor_set(g.weights, mb.weights.data(), 0, ggml_nbytes(g.weights));
}

ForwardResult forward(Engine & engine, const BaseModel & model, const LoraAdapter * lora, const MicroBatchInputs & mb, int64_t T) {
    ggml_context * ctx = newComputeContext(model);
    TrainingGraph g = buildTrainingGraph(ctx, model, lora, T);
    ggml_set_output(g.loss);
    ggml_backend_sched_reset(engine.sched);
    if (!ggml_backend_sched_alloc_graph(engine.sched, g.gf)) fail("Not enough memory for a forward pass; lower contextLength.");
    setInputs(g, mb);
    if (ggml_backend_sched_graph_compute(engine.sched, g.gf) != GGML_STATUS_SUCCESS) fail("The forward pass failed.");
    ForwardResult r;
    r.logp.resize(size_t(T));
    r.losses.resize(size_t(T));
    ggml_backend_tensor_get(g.logp, r.logp.data(), 0, ggml_nbytes(g.logp));
    ggml_backend_tensor_get(g.loss, r.losses.data(), 0, ggml_nbytes(g.loss));
    for (float v : r.losses) r.loss += v;
    ggml_backend_sched_reset(engine.sched);
    ggml_free(ctx);
    return r;
}

double bias(double beta, int64_t iter) {
    return 1.0 / (1.0 - std::pow(beta, double(iter)));
}

std::unique_ptr<BaseModel> loadModel(const std::string & path, Engine & engine, const std::string & baseType) {
    ggml_type convertTo = GGML_TYPE_COUNT;
    if (!baseType.empty()) {
        convertTo = parseGgmlType(baseType);
        if (convertTo == GGML_TYPE_COUNT) fail("Unknown base type '" + baseType + "' (use f32, f16, q8_0, q4_k, ...).");
    }
    return loadBaseModel(path, engine.weightBuft, convertTo);
}

void setUp(Setup & s, bool needLora, bool needData) {
    Config & c = s.config;
    // The engine needs the graph size, which needs the layer count: peek at it cheaply first.
    {
        gguf_init_params params = {true, nullptr};
        gguf_context * gguf = gguf_init_from_file(c.model.c_str(), params);
        if (!gguf) {
            std::ifstream probe(c.model);
            if (!probe) fail("The base model file " + c.model + " does not exist or cannot be read.");
            fail("The base model " + c.model + " is not a readable GGUF file (truncated or not GGUF).");
        }
        int64_t layers = 0;
        const int64_t archId = gguf_find_key(gguf, "general.architecture");
        if (archId >= 0) {
            const std::string arch = gguf_get_val_str(gguf, archId);
            const int64_t id = gguf_find_key(gguf, (arch + ".block_count").c_str());
            if (id >= 0 && gguf_get_kv_type(gguf, id) == GGUF_TYPE_UINT32) layers = gguf_get_val_u32(gguf, id);
        }
        gguf_free(gguf);
        BaseModel sizing;
        sizing.hp.n_layer = std::max<int64_t>(layers, 1);
        s.engine = std::make_unique<Engine>(c.threads, c.gpu, trainingGraphSize(sizing) * 2);
    }
    s.model = loadModel(c.model, *s.engine, c.baseType);
    const int64_t nVocab = s.model->hp.n_vocab;
    if (c.contextLength * nVocab >= int64_t(INT32_MAX)) {
        fail("contextLength " + std::to_string(c.contextLength) + " is too large for a vocabulary of " +
             std::to_string(nVocab) + " (at most " + std::to_string(int64_t(INT32_MAX) / nVocab - 1) + ").");
    }
    if (needData) s.train = loadSequences(c.data, nVocab, c.contextLength);
    if (needData && !c.validation.empty()) s.validation = loadSequences(c.validation, nVocab, c.contextLength);

    if (!needLora) return;
    if (!c.initAdapter.empty()) {
        const AdapterFileInfo info = inspectAdapterFile(c.initAdapter, *s.model);
        if ((c.rankGiven && c.rank != info.rank) || (c.targetsGiven && c.targets != info.modules)) {
            fail("initAdapter " + c.initAdapter + " has rank " + std::to_string(info.rank) +
                 " and other targets than the job asks for; leave rank and targets out to continue it as it is.");
        }
        c.rank = info.rank;
        c.alpha = info.alpha;
        c.targets = info.modules;
        s.lora = createLora(*s.model, c.rank, c.alpha, c.targets, s.engine->weightBuft);
        loadLoraFile(*s.lora, c.initAdapter, nullptr);
    } else {
        s.lora = createLora(*s.model, c.rank, c.alpha, c.targets, s.engine->weightBuft);
        initLoraRandom(*s.lora, c.seed, 0.0f);
    }
}

std::vector<float> normalisation(const std::string & lossNormalization, const std::vector<Sequence> & data, const std::vector<int> & inStep) {
    std::vector<float> scale(data.size(), 1.0f);
    if (lossNormalization == "none") return scale;
    int64_t weighted = 0;
    for (int i : inStep) weighted += data[size_t(i)].weightedTokens;
    for (int i : inStep) {
        if (lossNormalization == "tokens") {
            scale[size_t(i)] = weighted > 0 ? 1.0f / float(weighted) : 0.0f;
        } else {
            const int64_t own = data[size_t(i)].weightedTokens;
            scale[size_t(i)] = own > 0 ? 1.0f / float(own * int64_t(inStep.size())) : 0.0f;
        }
    }
    return scale;
}

// Mean of -w * logp over the weighted tokens of a data set, forward only.
std::pair<double, int64_t> evaluate(Setup & s, const std::vector<Sequence> & data, const LoraAdapter * lora) {
    std::vector<int> order(data.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = int(i);
    const std::vector<float> ones(data.size(), 1.0f);
    double total = 0;
    int64_t weighted = 0;
    for (const auto & batch : packSequences(data, order, s.config.contextLength)) {
        const MicroBatchInputs mb = makeMicroBatch(data, batch, ones, s.config.contextLength, s.model->hp.n_vocab);
        total += forward(*s.engine, *s.model, lora, mb, s.config.contextLength).loss;
        for (int i : batch) weighted += data[size_t(i)].weightedTokens;
    }
    return {weighted > 0 ? total / double(weighted) : 0.0, weighted};
}

void readCheckpointKv(gguf_context * gguf, void * userdata) {
    auto * state = static_cast<CheckpointState *>(userdata);
    auto get = [&](const char * key) -> int64_t {
        const int64_t id = gguf_find_key(gguf, key);
        return id >= 0 && gguf_get_kv_type(gguf, id) == GGUF_TYPE_INT64 ? gguf_get_val_i64(gguf, id) : -1;
    };
    state->step = get("dianjin.train.step");
    state->seed = get("dianjin.train.seed");
    state->gradAccumulation = get("dianjin.train.grad_accumulation");
    state->contextLength = get("dianjin.train.context_length");
}

void writeCheckpointKv(gguf_context * gguf, void * userdata) {
    const auto * state = static_cast<const CheckpointState *>(userdata);
    gguf_set_val_i64(gguf, "dianjin.train.step", state->step);
    gguf_set_val_i64(gguf, "dianjin.train.seed", state->seed);
    gguf_set_val_i64(gguf, "dianjin.train.grad_accumulation", state->gradAccumulation);
    gguf_set_val_i64(gguf, "dianjin.train.context_length", state->contextLength);
}

void writeAdapterKv(gguf_context * gguf, void * userdata) {
    const auto * state = static_cast<const CheckpointState *>(userdata);
    gguf_set_val_i64(gguf, "dianjin.train.step", state->step);
}

std::string joinPath(const std::string & dir, const std::string & file) {
    if (dir.empty()) return file;
    const char last = dir.back();
    return (last == '/' || last == '\\') ? dir + file : dir + "/" + file;
}
