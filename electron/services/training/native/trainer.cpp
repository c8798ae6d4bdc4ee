// dianjin-trainer: LoRA fine-tuning of a frozen (F32/F16/quantized) qwen2 GGUF base on ggml, in its own process.
//
// Why hand-written: no library trains LoRA on ggml with a masked / per-token-weighted loss. llama.cpp's own training
// path (llama_opt_init / llama_opt_epoch, examples/training/finetune.cpp) only fine-tunes F32 model tensors with plain
// next-token cross-entropy, cuts the K/V gradient at the KV cache and has no prompt mask; ggml_cross_entropy_loss's
// backward assumes label rows summing to 1. So this program builds its own qwen2 training graph (graph.cpp) with the
// LoRA A/B tensors as the only ggml_set_param leaves and a weighted NLL made of ops, and drives ggml-opt in its
// non-static mode (ggml_opt_prepare_alloc / ggml_opt_alloc / ggml_opt_eval per micro-batch) as llama.cpp's
// llama_context::opt_epoch_iter does. It is built from the llama.cpp/ggml source node-llama-cpp ships, so training
// and inference run the same kernels, and the adapter it writes loads in node-llama-cpp unchanged.
//
//   dianjin-trainer train     --config job.json   SFT (and later GRPO) steps; progress as JSON lines on stdout
//   dianjin-trainer gradcheck --config job.json   backward gradients vs central finite differences (one JSON line)
//   dianjin-trainer logprobs  --config job.json   per-sequence sum of weighted log-probs with the current adapter
//
// The protocol is described in README.md beside this file.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#ifdef _WIN32
#    define WIN32_LEAN_AND_MEAN
#    include <windows.h>
#    include <psapi.h>
#else
#    include <sys/resource.h>
#endif

#include "common.h"
#include "data.h"
#include "ggml-alloc.h"
#include "ggml-backend.h"
#include "ggml-cpu.h"
#include "ggml-opt.h"
#include "ggml.h"
#include "gguf.h"
#include "graph.h"
#include "lora.h"
#include "model.h"

namespace {

std::atomic<bool> g_stopRequested{false};

extern "C" void onStopSignal(int) {
    g_stopRequested.store(true);
}

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

// ---------------------------------------------------------------------------------------------------------------
// job.json

struct GradcheckOptions {
    int samples = 16;
    float epsilon = 1e-2f;
    float bStd = 0.05f;
    std::vector<std::string> compareBaseTypes;
};

struct Config {
    std::string model;
    std::string baseType; // convert the base's layer matrices on load (tests; e.g. "q8_0"); empty = as stored
    std::string initAdapter;
    std::string data;
    std::string validation;
    std::string out;
    std::string checkpointDir;
    int rank = 8;
    float alpha = 16.0f;
    std::vector<std::string> targets = kLoraModules;
    bool rankGiven = false, alphaGiven = false, targetsGiven = false;
    double lr = 2e-4;
    std::string lrSchedule = "constant";
    int64_t warmupSteps = 0;
    float weightDecay = 0.0f;
    float beta1 = 0.9f;
    float beta2 = 0.999f;
    float adamEps = 1e-8f;
    int64_t epochs = 1;
    int64_t steps = 0; // 0: epochs decide
    int64_t contextLength = 1024;
    int64_t gradAccumulation = 1;
    std::string lossNormalization = "tokens";
    uint32_t seed = 42;
    int threads = 0;
    int64_t checkpointEvery = 0;
    int64_t validateEvery = 0;
    bool resume = false;
    bool gpu = true;
    GradcheckOptions gradcheck;
};

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
    if (c.data.empty()) fail("The job needs \"data\": the path of the pre-tokenised sequences (JSON lines).");
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

// ---------------------------------------------------------------------------------------------------------------
// Backends

struct Engine {
    ggml_backend_t cpu = nullptr;
    ggml_backend_t gpu = nullptr;
    ggml_backend_sched_t sched = nullptr;
    ggml_backend_buffer_type_t weightBuft = nullptr;
    std::string backendName;

    Engine(int threads, bool useGpu, size_t graphSize) {
        cpu = ggml_backend_init_by_type(GGML_BACKEND_DEVICE_TYPE_CPU, nullptr);
        if (!cpu) fail("Could not start ggml's CPU backend.");
        ggml_backend_cpu_set_n_threads(cpu, threads);
        std::vector<ggml_backend_t> backends;
        if (useGpu && ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_GPU)) {
            gpu = ggml_backend_init_by_type(GGML_BACKEND_DEVICE_TYPE_GPU, nullptr);
        }
        if (gpu) backends.push_back(gpu);
        backends.push_back(cpu);
        weightBuft = ggml_backend_get_default_buffer_type(backends[0]);
        backendName = ggml_backend_name(backends[0]);
        sched = ggml_backend_sched_new(backends.data(), nullptr, int(backends.size()), graphSize, false, true);
    }
    ~Engine() {
        if (sched) ggml_backend_sched_free(sched);
        if (gpu) ggml_backend_free(gpu);
        if (cpu) ggml_backend_free(cpu);
    }
};

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

struct ForwardResult {
    double loss = 0;           // sum of -w * logp, in double
    std::vector<float> logp;   // per slot
    std::vector<float> losses; // per slot
};

// Forward only, through the scheduler directly (validation, log-probs, finite differences).
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

// ---------------------------------------------------------------------------------------------------------------
// Optimisation through ggml-opt (non-static graphs)

double bias(double beta, int64_t iter) {
    return 1.0 / (1.0 - std::pow(beta, double(iter)));
}

struct Optimizer {
    Engine & engine;
    const BaseModel & model;
    LoraAdapter & lora;
    int64_t T;
    int64_t gradAccumulation;
    float beta1, beta2, adamEps, weightDecay;
    std::function<double(int64_t)> lrAt; // learning rate of optimizer step t (1-based)

    ggml_opt_context_t opt = nullptr;
    int64_t resumedSteps = 0;  // optimizer steps done before this process (from a checkpoint)
    int64_t internalSteps = 0; // optimizer steps done by this process (ggml-opt's own counter, minus 1)
    int64_t microInStep = 0;
    double lastLr = 0;
    // AdamW moments per parameter, found on the optimizer nodes; restored from a checkpoint at the first step.
    std::map<const ggml_tensor *, std::pair<ggml_tensor *, ggml_tensor *>> moments;
    std::map<std::string, HostTensor> pendingMoments;
    std::map<const ggml_tensor *, ggml_tensor *> gradAccs;

    Optimizer(Engine & e, const BaseModel & m, LoraAdapter & l, int64_t contextLength, int64_t accumulation,
              float b1, float b2, float eps, float wd, std::function<double(int64_t)> schedule)
        : engine(e), model(m), lora(l), T(contextLength), gradAccumulation(accumulation), beta1(b1), beta2(b2),
          adamEps(eps), weightDecay(wd), lrAt(std::move(schedule)) {
        ggml_opt_params params = ggml_opt_default_params(engine.sched, GGML_OPT_LOSS_TYPE_SUM);
        params.opt_period = int32_t(gradAccumulation);
        params.get_opt_pars = &Optimizer::optimizerParams;
        params.get_opt_pars_ud = this;
        params.optimizer = GGML_OPT_OPTIMIZER_TYPE_ADAMW;
        opt = ggml_opt_init(params);
    }
    ~Optimizer() { ggml_opt_free(opt); }

    // ggml-opt derives Adam's bias corrections from its own iteration counter, which starts at 1 in every process.
    // After a resume the true step t is resumedSteps + k; scaling alpha, eps and weight decay makes ggml's update
    // alpha' * m * c1(k) / (sqrt(v * c2(k)) + eps') equal lr * m * c1(t) / (sqrt(v * c2(t)) + eps), exactly.
    static ggml_opt_optimizer_params optimizerParams(void * userdata) {
        auto * self = static_cast<Optimizer *>(userdata);
        const int64_t k = self->internalSteps + 1;
        const int64_t t = self->resumedSteps + k;
        const double lr = std::max(self->lrAt(t), 1e-12);
        self->lastLr = lr;
        const double c2 = std::sqrt(bias(self->beta2, k) / bias(self->beta2, t));
        const double ratio = bias(self->beta1, t) / bias(self->beta1, k) * c2;
        ggml_opt_optimizer_params p = ggml_opt_get_default_optimizer_params(nullptr);
        p.adamw.alpha = float(lr * ratio);
        p.adamw.beta1 = self->beta1;
        p.adamw.beta2 = self->beta2;
        p.adamw.eps = float(self->adamEps * c2);
        p.adamw.wd = float(self->weightDecay / ratio);
        return p;
    }

    static bool observeNode(ggml_tensor * t, bool ask, void * userdata) {
        auto * self = static_cast<Optimizer *>(userdata);
        if (ask && t->op == GGML_OP_OPT_STEP_ADAMW) {
            ggml_tensor * param = t->src[0];
            self->moments[param] = {t->src[2], t->src[3]};
            // Asked before anything in this graph runs: restoring here means the step uses the restored moments.
            const std::string name = param->name;
            for (int which = 0; which < 2; which++) {
                auto it = self->pendingMoments.find(name + (which == 0 ? ".adam_m" : ".adam_v"));
                ggml_tensor * dst = which == 0 ? t->src[2] : t->src[3];
                if (it != self->pendingMoments.end() && it->second.data.size() == size_t(ggml_nelements(dst))) {
                    ggml_backend_tensor_set(dst, it->second.data.data(), 0, ggml_nbytes(dst));
                }
            }
        }
        return false;
    }

    // Forward + backward of one micro-batch; the optimizer step runs after the last micro-batch of a step.
    // Returns the micro-batch's loss (sum of its -w * logp).
    double microBatch(const MicroBatchInputs & mb) {
        ggml_context * ctx = newComputeContext(model);
        TrainingGraph g = buildTrainingGraph(ctx, model, &lora, T);
        ggml_opt_prepare_alloc(opt, ctx, g.gf, g.tokens, g.loss);
        ggml_opt_alloc(opt, /*backward =*/ true);
        if (microInStep == 0) {
            // In non-static mode ggml-opt never clears the gradient accumulators between optimizer steps (its
            // ggml_graph_reset(gb_grad) sees a null graph), so clear them at the start of every step.
            for (ggml_tensor * p : lora.parameters()) {
                ggml_tensor * acc = ggml_opt_grad_acc(opt, p);
                if (acc) {
                    ggml_backend_tensor_memset(acc, 0, 0, ggml_nbytes(acc));
                    gradAccs[p] = acc;
                }
            }
        }
        setInputs(g, mb);
        const bool optimizerStep = microInStep + 1 == gradAccumulation;
        const bool observe = optimizerStep && internalSteps == 0;
        if (observe) ggml_backend_sched_set_eval_callback(engine.sched, &Optimizer::observeNode, this);
        ggml_opt_eval(opt, nullptr);
        if (observe) {
            ggml_backend_sched_set_eval_callback(engine.sched, nullptr, nullptr);
            pendingMoments.clear();
        }
        float loss = 0;
        ggml_backend_tensor_get(ggml_opt_loss(opt), &loss, 0, sizeof(float));
        ggml_free(ctx);
        microInStep = optimizerStep ? 0 : microInStep + 1;
        if (optimizerStep) internalSteps++;
        return double(loss);
    }

    std::map<std::string, HostTensor> momentsToHost() const {
        std::map<std::string, HostTensor> out;
        for (const auto & entry : moments) {
            const ggml_tensor * p = entry.first;
            for (int which = 0; which < 2; which++) {
                ggml_tensor * src = which == 0 ? entry.second.first : entry.second.second;
                HostTensor h;
                h.shape = {p->ne[0], p->ne[1]};
                h.data.resize(size_t(ggml_nelements(src)));
                ggml_backend_tensor_get(src, h.data.data(), 0, ggml_nbytes(src));
                out[std::string(p->name) + (which == 0 ? ".adam_m" : ".adam_v")] = std::move(h);
            }
        }
        if (out.empty()) return pendingMoments; // no step taken in this process yet: keep what was restored
        return out;
    }
};

// ---------------------------------------------------------------------------------------------------------------
// Shared set-up

struct Setup {
    Config config;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<BaseModel> model;
    std::unique_ptr<LoraAdapter> lora;
    std::vector<Sequence> train;
    std::vector<Sequence> validation;
};

std::unique_ptr<BaseModel> loadModel(const std::string & path, Engine & engine, const std::string & baseType) {
    ggml_type convertTo = GGML_TYPE_COUNT;
    if (!baseType.empty()) {
        convertTo = parseGgmlType(baseType);
        if (convertTo == GGML_TYPE_COUNT) fail("Unknown base type '" + baseType + "' (use f32, f16, q8_0, q4_k, ...).");
    }
    return loadBaseModel(path, engine.weightBuft, convertTo);
}

void setUp(Setup & s, bool needLora) {
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
    s.train = loadSequences(c.data, nVocab, c.contextLength);
    if (!c.validation.empty()) s.validation = loadSequences(c.validation, nVocab, c.contextLength);

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

// Per-sequence multipliers of the weights for one optimizer step, from lossNormalization.
std::vector<float> normalisation(const Config & c, const std::vector<Sequence> & data, const std::vector<int> & inStep) {
    std::vector<float> scale(data.size(), 1.0f);
    if (c.lossNormalization == "none") return scale;
    int64_t weighted = 0;
    for (int i : inStep) weighted += data[size_t(i)].weightedTokens;
    for (int i : inStep) {
        if (c.lossNormalization == "tokens") {
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

// ---------------------------------------------------------------------------------------------------------------
// train

struct EpochPlan {
    std::vector<std::vector<int>> microBatches; // padded with empty micro-batches to a multiple of gradAccumulation
    int64_t steps = 0;
};

EpochPlan planEpoch(const Config & c, const std::vector<Sequence> & data, int64_t epoch) {
    std::vector<int> order(data.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = int(i);
    std::mt19937 rng(c.seed * 1000003u + uint32_t(epoch));
    std::shuffle(order.begin(), order.end(), rng);
    EpochPlan plan;
    plan.microBatches = packSequences(data, order, c.contextLength);
    while (plan.microBatches.size() % size_t(c.gradAccumulation) != 0) plan.microBatches.emplace_back();
    plan.steps = int64_t(plan.microBatches.size()) / c.gradAccumulation;
    return plan;
}

struct CheckpointState {
    int64_t step = 0;
    int64_t seed = -1;
    int64_t gradAccumulation = 0;
    int64_t contextLength = 0;
};

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

int runTrain(Setup & s) {
    Config & c = s.config;
    const auto started = std::chrono::steady_clock::now();
    if (!c.checkpointDir.empty()) {
        std::error_code error;
        std::filesystem::create_directories(c.checkpointDir, error);
        if (error) fail("Could not create the checkpoint folder " + c.checkpointDir + " (" + error.message() + ").");
    }
    const std::string statePath = c.checkpointDir.empty() ? "" : joinPath(c.checkpointDir, "checkpoint.gguf");
    const std::string checkpointAdapterPath = c.checkpointDir.empty() ? "" : joinPath(c.checkpointDir, "adapter.gguf");

    // Resume: the adapter, AdamW moments and step counter come from the checkpoint; the data order is a function of
    // (seed, epoch), so the step counter is the data position.
    CheckpointState resumed;
    std::map<std::string, HostTensor> savedMoments;
    if (c.resume && !statePath.empty() && std::ifstream(statePath).good()) {
        loadLoraFile(*s.lora, statePath, &savedMoments, &readCheckpointKv, &resumed);
        if (resumed.step < 0 || resumed.seed != int64_t(c.seed) || resumed.gradAccumulation != c.gradAccumulation ||
            resumed.contextLength != c.contextLength) {
            fail("The checkpoint " + statePath + " was made with another seed, contextLength or gradAccumulation; "
                 "resume with the same job, or start over without resume.");
        }
    }

    std::vector<EpochPlan> plans;
    auto planFor = [&](int64_t epoch) -> const EpochPlan & {
        while (int64_t(plans.size()) <= epoch) plans.push_back(planEpoch(c, s.train, int64_t(plans.size())));
        return plans[size_t(epoch)];
    };
    int64_t totalSteps = 0;
    if (c.steps > 0) {
        totalSteps = c.steps;
    } else {
        for (int64_t e = 0; e < c.epochs; e++) totalSteps += planFor(e).steps;
    }
    auto lrAt = [&c, totalSteps](int64_t step) {
        double lr = c.lr;
        if (c.warmupSteps > 0 && step <= c.warmupSteps) return lr * double(step) / double(c.warmupSteps);
        const double span = double(std::max<int64_t>(1, totalSteps - c.warmupSteps));
        const double progress = std::min(1.0, double(step - c.warmupSteps - 1) / span);
        if (c.lrSchedule == "cosine") lr *= 0.5 * (1.0 + std::cos(3.14159265358979323846 * progress));
        if (c.lrSchedule == "linear") lr *= 1.0 - progress;
        return lr;
    };

    Optimizer optimizer(*s.engine, *s.model, *s.lora, c.contextLength, c.gradAccumulation, c.beta1, c.beta2, c.adamEps,
                        c.weightDecay, lrAt);
    optimizer.resumedSteps = resumed.step > 0 ? resumed.step : 0;
    optimizer.pendingMoments = savedMoments;

    int64_t trainTokens = 0;
    for (const Sequence & q : s.train) trainTokens += int64_t(q.tokens.size());
    emit({{"type", "start"}, {"mode", "train"}, {"model", c.model}, {"architecture", s.model->architecture},
          {"baseType", s.model->weightType}, {"layers", s.model->hp.n_layer}, {"embeddingLength", s.model->hp.n_embd},
          {"vocabularySize", s.model->hp.n_vocab}, {"backend", s.engine->backendName}, {"threads", c.threads},
          {"rank", c.rank}, {"alpha", c.alpha}, {"targets", c.targets}, {"lr", c.lr}, {"lrSchedule", c.lrSchedule},
          {"warmupSteps", c.warmupSteps}, {"weightDecay", c.weightDecay}, {"contextLength", c.contextLength},
          {"gradAccumulation", c.gradAccumulation}, {"lossNormalization", c.lossNormalization},
          {"sequences", s.train.size()}, {"trainTokens", trainTokens}, {"validationSequences", s.validation.size()},
          {"epochs", c.steps > 0 ? json(nullptr) : json(c.epochs)}, {"stepsPerEpoch", planFor(0).steps},
          {"totalSteps", totalSteps}, {"seed", c.seed}, {"initAdapter", c.initAdapter.empty() ? json(nullptr) : json(c.initAdapter)},
          {"resumedFromStep", optimizer.resumedSteps}, {"trainableParams", s.lora->parameterCount()},
          {"weightBytes", s.model->weightBytes}});

    CheckpointState state;
    state.seed = c.seed;
    state.gradAccumulation = c.gradAccumulation;
    state.contextLength = c.contextLength;
    auto checkpoint = [&](int64_t step) {
        if (statePath.empty()) return;
        state.step = step;
        saveLoraFile(*s.lora, *s.model, statePath, optimizer.momentsToHost(), &writeCheckpointKv, &state);
        saveLoraFile(*s.lora, *s.model, checkpointAdapterPath, {}, &writeAdapterKv, &state);
        emit({{"type", "checkpoint"}, {"step", step}, {"path", statePath}, {"adapter", checkpointAdapterPath}});
    };
    auto validate = [&](int64_t step) {
        if (s.validation.empty()) return;
        const auto result = evaluate(s, s.validation, s.lora.get());
        emit({{"type", "validation"}, {"step", step}, {"loss", result.first}, {"tokens", result.second}});
    };

    int64_t step = optimizer.resumedSteps;
    if (step == 0) validate(0);
    double lastLoss = NAN;
    int64_t lastCheckpoint = step;
    while (step < totalSteps) {
        // Locate step + 1 in the epoch plans.
        int64_t epoch = 0, inEpoch = step;
        while (inEpoch >= planFor(epoch).steps) {
            inEpoch -= planFor(epoch).steps;
            epoch++;
        }
        const EpochPlan & plan = planFor(epoch);
        const auto stepStarted = std::chrono::steady_clock::now();
        std::vector<int> inStep;
        for (int64_t m = 0; m < c.gradAccumulation; m++) {
            for (int i : plan.microBatches[size_t(inEpoch * c.gradAccumulation + m)]) inStep.push_back(i);
        }
        const std::vector<float> scale = normalisation(c, s.train, inStep);
        double loss = 0;
        int64_t tokens = 0, weighted = 0;
        for (int64_t m = 0; m < c.gradAccumulation; m++) {
            const auto & batch = plan.microBatches[size_t(inEpoch * c.gradAccumulation + m)];
            const MicroBatchInputs mb = makeMicroBatch(s.train, batch, scale, c.contextLength, s.model->hp.n_vocab);
            loss += optimizer.microBatch(mb);
            tokens += mb.realTokens;
        }
        for (int i : inStep) weighted += s.train[size_t(i)].weightedTokens;
        step++;
        lastLoss = loss;
        if (!std::isfinite(loss)) fail("The loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + " at step " +
                                       std::to_string(step) + "; lower the learning rate.");
        const double seconds = secondsSince(stepStarted);
        emit({{"type", "step"}, {"step", step}, {"totalSteps", totalSteps}, {"epoch", epoch + 1},
              {"loss", loss}, {"tokens", tokens}, {"weightedTokens", weighted},
              {"tokensPerSecond", seconds > 0 ? double(tokens) / seconds : 0.0}, {"stepSeconds", seconds},
              {"peakMemoryBytes", peakMemoryBytes()}, {"lr", optimizer.lastLr}, {"elapsedSeconds", secondsSince(started)}});

        const bool epochEnd = inEpoch + 1 == plan.steps;
        const bool last = step == totalSteps;
        if ((c.validateEvery > 0 && step % c.validateEvery == 0) || (c.validateEvery == 0 && epochEnd) || last) validate(step);
        if (g_stopRequested.load()) {
            checkpoint(step);
            emit({{"type", "stopped"}, {"step", step}, {"checkpoint", statePath.empty() ? json(nullptr) : json(statePath)}});
            return 0;
        }
        if ((c.checkpointEvery > 0 && step % c.checkpointEvery == 0) || epochEnd || last) {
            checkpoint(step);
            lastCheckpoint = step;
        }
    }
    if (lastCheckpoint != step) checkpoint(step);
    state.step = step;
    saveLoraFile(*s.lora, *s.model, c.out, {}, &writeAdapterKv, &state);
    emit({{"type", "done"}, {"out", c.out}, {"steps", step}, {"loss", std::isfinite(lastLoss) ? json(lastLoss) : json(nullptr)},
          {"elapsedSeconds", secondsSince(started)}, {"peakMemoryBytes", peakMemoryBytes()}});
    return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// gradcheck

std::vector<float> readTensor(ggml_tensor * t) {
    std::vector<float> v(size_t(ggml_nelements(t)));
    ggml_backend_tensor_get(t, v.data(), 0, ggml_nbytes(t));
    return v;
}

// Gradients of the loss of one micro-batch with respect to every LoRA parameter, through the training path
// (ggml-opt's backward graph); the parameters are put back after the optimizer step that comes with it.
std::vector<std::vector<float>> backwardGradients(Setup & s, const BaseModel & model, LoraAdapter & lora, const MicroBatchInputs & mb) {
    const Config & c = s.config;
    const std::vector<ggml_tensor *> params = lora.parameters();
    std::vector<std::vector<float>> saved;
    for (ggml_tensor * p : params) saved.push_back(readTensor(p));
    std::vector<std::vector<float>> grads;
    {
        Optimizer optimizer(*s.engine, model, lora, c.contextLength, 1, 0.9f, 0.999f, 1e-8f, 0.0f, [](int64_t) { return 1e-12; });
        optimizer.microBatch(mb);
        for (ggml_tensor * p : params) {
            auto it = optimizer.gradAccs.find(p);
            if (it == optimizer.gradAccs.end()) fail(std::string("No gradient reached ") + p->name + ".");
            grads.push_back(readTensor(it->second));
        }
    }
    for (size_t i = 0; i < params.size(); i++) ggml_backend_tensor_set(params[i], saved[i].data(), 0, ggml_nbytes(params[i]));
    return grads;
}

double cosine(const std::vector<std::vector<float>> & x, const std::vector<std::vector<float>> & y, double * relNorm) {
    double dot = 0, xx = 0, yy = 0, dd = 0;
    for (size_t i = 0; i < x.size(); i++) {
        for (size_t j = 0; j < x[i].size(); j++) {
            dot += double(x[i][j]) * y[i][j];
            xx += double(x[i][j]) * x[i][j];
            yy += double(y[i][j]) * y[i][j];
            dd += (double(x[i][j]) - y[i][j]) * (double(x[i][j]) - y[i][j]);
        }
    }
    if (relNorm) *relNorm = xx > 0 ? std::sqrt(dd / xx) : 0.0;
    return xx > 0 && yy > 0 ? dot / std::sqrt(xx * yy) : 0.0;
}

int runGradcheck(Setup & s) {
    const Config & c = s.config;
    const auto started = std::chrono::steady_clock::now();
    if (c.initAdapter.empty()) initLoraRandom(*s.lora, c.seed, c.gradcheck.bStd);
    std::vector<int> order(s.train.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = int(i);
    const auto batches = packSequences(s.train, order, c.contextLength);
    const std::vector<float> scale = normalisation(c, s.train, batches[0]);
    const MicroBatchInputs mb = makeMicroBatch(s.train, batches[0], scale, c.contextLength, s.model->hp.n_vocab);

    const std::vector<ggml_tensor *> params = s.lora->parameters();
    const auto grads = backwardGradients(s, *s.model, *s.lora, mb);
    const double baseLoss = forward(*s.engine, *s.model, s.lora.get(), mb, c.contextLength).loss;

    // Sample parameters spread over tensors; in each tensor alternately its largest-gradient element and a random one.
    std::mt19937 rng(c.seed);
    json checks = json::array();
    std::vector<double> analytic, numeric;
    double maxRelError = 0;
    double maxGrad = 0;
    for (const auto & g : grads) for (float v : g) maxGrad = std::max(maxGrad, double(std::fabs(v)));
    for (int k = 0; k < c.gradcheck.samples; k++) {
        const size_t ti = size_t(k) * params.size() / size_t(c.gradcheck.samples);
        ggml_tensor * p = params[ti];
        const auto & g = grads[ti];
        size_t index;
        if (k % 2 == 0) {
            index = size_t(std::max_element(g.begin(), g.end(), [](float a, float b) { return std::fabs(a) < std::fabs(b); }) - g.begin());
        } else {
            index = std::uniform_int_distribution<size_t>(0, g.size() - 1)(rng);
        }
        float original;
        ggml_backend_tensor_get(p, &original, index * sizeof(float), sizeof(float));
        const float eps = c.gradcheck.epsilon;
        auto lossAt = [&](float value) {
            ggml_backend_tensor_set(p, &value, index * sizeof(float), sizeof(float));
            return forward(*s.engine, *s.model, s.lora.get(), mb, c.contextLength).loss;
        };
        const double plus = lossAt(original + eps);
        const double minus = lossAt(original - eps);
        ggml_backend_tensor_set(p, &original, index * sizeof(float), sizeof(float));
        const double fd = (plus - minus) / (2.0 * double(eps));
        const double bw = g[index];
        const double denom = std::max({std::fabs(fd), std::fabs(bw), 1e-3 * maxGrad, 1e-12});
        const double rel = std::fabs(fd - bw) / denom;
        maxRelError = std::max(maxRelError, rel);
        analytic.push_back(bw);
        numeric.push_back(fd);
        checks.push_back({{"tensor", p->name}, {"index", index}, {"backward", bw}, {"numeric", fd}, {"relError", rel}});
    }
    double dot = 0, aa = 0, nn = 0;
    for (size_t i = 0; i < analytic.size(); i++) {
        dot += analytic[i] * numeric[i];
        aa += analytic[i] * analytic[i];
        nn += numeric[i] * numeric[i];
    }

    json comparisons = json::array();
    for (const std::string & type : c.gradcheck.compareBaseTypes) {
        auto other = loadModel(c.model, *s.engine, type);
        auto otherLora = createLora(*other, s.lora->rank, s.lora->alpha, s.lora->modules, s.engine->weightBuft);
        const auto otherParams = otherLora->parameters();
        for (size_t i = 0; i < params.size(); i++) {
            const auto values = readTensor(params[i]);
            ggml_backend_tensor_set(otherParams[i], values.data(), 0, ggml_nbytes(otherParams[i]));
        }
        const auto otherGrads = backwardGradients(s, *other, *otherLora, mb);
        double relNorm = 0;
        const double cos = cosine(grads, otherGrads, &relNorm);
        const double otherLoss = forward(*s.engine, *other, otherLora.get(), mb, c.contextLength).loss;
        comparisons.push_back({{"baseType", other->weightType}, {"cosine", cos}, {"relativeDifference", relNorm},
                               {"loss", otherLoss}});
    }

    emit({{"type", "gradcheck"}, {"model", c.model}, {"baseType", s.model->weightType}, {"backend", s.engine->backendName},
          {"loss", baseLoss}, {"tokens", mb.realTokens}, {"trainableParams", s.lora->parameterCount()},
          {"epsilon", c.gradcheck.epsilon}, {"checks", checks}, {"maxRelError", maxRelError},
          {"cosine", aa > 0 && nn > 0 ? dot / std::sqrt(aa * nn) : 0.0}, {"quantizedComparisons", comparisons},
          {"elapsedSeconds", secondsSince(started)}});
    return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// logprobs

int runLogprobs(Setup & s) {
    const Config & c = s.config;
    std::vector<int> order(s.train.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = int(i);
    const std::vector<float> ones(s.train.size(), 1.0f);
    std::vector<double> sums(s.train.size(), 0.0);
    for (const auto & batch : packSequences(s.train, order, c.contextLength)) {
        const MicroBatchInputs mb = makeMicroBatch(s.train, batch, ones, c.contextLength, s.model->hp.n_vocab);
        const ForwardResult r = forward(*s.engine, *s.model, s.lora.get(), mb, c.contextLength);
        for (const auto & span : mb.spans) {
            const Sequence & q = s.train[size_t(span.first)];
            for (size_t i = 0; i + 1 < q.tokens.size(); i++) {
                sums[size_t(span.first)] += double(q.weights[i + 1]) * r.logp[size_t(span.second) + i];
            }
        }
    }
    emit({{"type", "start"}, {"mode", "logprobs"}, {"model", c.model}, {"sequences", s.train.size()},
          {"initAdapter", c.initAdapter.empty() ? json(nullptr) : json(c.initAdapter)}, {"backend", s.engine->backendName}});
    for (size_t i = 0; i < sums.size(); i++) {
        emit({{"type", "logprobs"}, {"index", i}, {"logprob", sums[i]}, {"weightedTokens", s.train[i].weightedTokens}});
    }
    emit({{"type", "done"}, {"sequences", s.train.size()}});
    return 0;
}

void silenceGgmlLog(ggml_log_level level, const char * text, void *) {
    if (level >= GGML_LOG_LEVEL_WARN) std::fputs(text, stderr); // stdout carries the protocol only
}

int usage() {
    emit({{"type", "error"}, {"message", "Usage: dianjin-trainer train|gradcheck|logprobs --config job.json"}});
    return 2;
}

} // namespace

int main(int argc, char ** argv) {
    ggml_log_set(silenceGgmlLog, nullptr);
    if (argc != 4 || std::string(argv[2]) != "--config") return usage();
    const std::string mode = argv[1];
    if (mode != "train" && mode != "gradcheck" && mode != "logprobs") return usage();
    std::signal(SIGTERM, onStopSignal);
    std::signal(SIGINT, onStopSignal);
    try {
        Setup s;
        s.config = readConfig(argv[3], mode);
        const bool needLora = mode != "logprobs" || !s.config.initAdapter.empty();
        setUp(s, needLora);
        if (mode == "train") return runTrain(s);
        if (mode == "gradcheck") return runGradcheck(s);
        return runLogprobs(s);
    } catch (const TrainerError & e) {
        emit({{"type", "error"}, {"message", e.what()}});
        return 1;
    } catch (const std::exception & e) {
        emit({{"type", "error"}, {"message", std::string("Unexpected failure: ") + e.what()}});
        return 1;
    }
}
