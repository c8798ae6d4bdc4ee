// The shared core of dianjin-trainer's modes: job.json, the ggml backends, the forward pass, the AdamW optimizer through
// ggml-opt's non-static mode, the set-up (base model, adapter, data) and checkpoint metadata. trainer.cpp holds the
// one-shot modes (train, gradcheck, logprobs), session.cpp the long-lived GRPO session.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "data.h"
#include "ggml-backend.h"
#include "ggml-cpu.h"
#include "ggml-opt.h"
#include "ggml.h"
#include "graph.h"
#include "lora.h"
#include "model.h"

struct gguf_context;

// Set by SIGTERM / SIGINT: the modes finish the current step, checkpoint and stop.
extern std::atomic<bool> g_stopRequested;

int64_t peakMemoryBytes();
double secondsSince(std::chrono::steady_clock::time_point start);

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

// Reads and validates job.json for `mode` (train, gradcheck, logprobs, session); unknown fields are refused.
Config readConfig(const std::string & path, const std::string & mode);

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

ggml_context * newComputeContext(const BaseModel & model);
void setInputs(const TrainingGraph & g, const MicroBatchInputs & mb);

struct ForwardResult {
    double loss = 0;           // sum of -w * logp, in double
    std::vector<float> logp;   // per slot
    std::vector<float> losses; // per slot
};


// Forward only, through the scheduler directly (validation, log-probs, finite differences). `lora` may be null (base).
ForwardResult forward(Engine & engine, const BaseModel & model, const LoraAdapter * lora, const MicroBatchInputs & mb, int64_t T);

// ---------------------------------------------------------------------------------------------------------------
// Optimisation through ggml-opt (non-static graphs)

double bias(double beta, int64_t iter);

struct Optimizer {
    Engine & engine;
    const BaseModel & model;
    LoraAdapter & lora;
    int64_t gradAccumulation; // micro-batches per optimizer step (ggml-opt's opt_period, fixed per optimizer)
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

    Optimizer(Engine & e, const BaseModel & m, LoraAdapter & l, int64_t accumulation,
              float b1, float b2, float eps, float wd, std::function<double(int64_t)> schedule)
        : engine(e), model(m), lora(l), gradAccumulation(accumulation), beta1(b1), beta2(b2),
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
    // Returns the micro-batch's loss (sum of its -w * logp). The graph has as many slots as the micro-batch: they may
    // differ between micro-batches (the node structure, which ggml-opt's gradient accumulators follow, does not).
    double microBatch(const MicroBatchInputs & mb) {
        ggml_context * ctx = newComputeContext(model);
        TrainingGraph g = buildTrainingGraph(ctx, model, &lora, int64_t(mb.tokens.size()));
        ggml_opt_prepare_alloc(opt, ctx, g.gf, g.tokens, g.loss);
        ggml_opt_alloc(opt, /*backward =*/ true);
        if (microInStep == 0) {
            // In non-static mode ggml-opt never clears the gradient accumulators between optimizer steps (its
            // ggml_graph_reset(gb_grad) sees a null graph), so clear them at the start of every step. They are static
            // tensors, found once: ggml_opt_grad_acc looks them up in gb_opt, which a gradient-only (accumulating)
            // micro-batch after the first optimizer step does not build (a null graph there crashed gradAccumulation > 1).
            if (gradAccs.empty()) {
                for (ggml_tensor * p : lora.parameters()) {
                    ggml_tensor * acc = ggml_opt_grad_acc(opt, p);
                    if (acc) gradAccs[p] = acc;
                }
            }
            for (const auto & entry : gradAccs) ggml_backend_tensor_memset(entry.second, 0, 0, ggml_nbytes(entry.second));
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

std::unique_ptr<BaseModel> loadModel(const std::string & path, Engine & engine, const std::string & baseType);

// Engine, base model, data (`data` unless `needData` is false) and, when `needLora`, the adapter (initAdapter or a
// fresh one: A random, B = 0).
void setUp(Setup & s, bool needLora, bool needData = true);

// Per-sequence multipliers of the weights for one optimizer step, from lossNormalization ("tokens", "sequences", "none").
std::vector<float> normalisation(const std::string & lossNormalization, const std::vector<Sequence> & data, const std::vector<int> & inStep);

// Mean of -w * logp over the weighted tokens of a data set, forward only.
std::pair<double, int64_t> evaluate(Setup & s, const std::vector<Sequence> & data, const LoraAdapter * lora);

// ---------------------------------------------------------------------------------------------------------------
// Checkpoints

struct CheckpointState {
    int64_t step = 0;
    int64_t seed = -1;
    int64_t gradAccumulation = 0;
    int64_t contextLength = 0;
};

void readCheckpointKv(gguf_context * gguf, void * userdata);
void writeCheckpointKv(gguf_context * gguf, void * userdata);
void writeAdapterKv(gguf_context * gguf, void * userdata);
std::string joinPath(const std::string & dir, const std::string & file);
