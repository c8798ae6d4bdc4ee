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
//   dianjin-trainer session   --config job.json   GRPO: model and adapter stay loaded; JSON commands on stdin
//
// The protocol is described in README.md beside this file.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "common.h"
#include "data.h"
#include "ggml-backend.h"
#include "ggml.h"
#include "session.h"
#include "training.h"

namespace {

extern "C" void onStopSignal(int) {
    g_stopRequested.store(true);
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

    Optimizer optimizer(*s.engine, *s.model, *s.lora, c.gradAccumulation, c.beta1, c.beta2, c.adamEps, c.weightDecay, lrAt);
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
        const std::vector<float> scale = normalisation(c.lossNormalization, s.train, inStep);
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
    const std::vector<ggml_tensor *> params = lora.parameters();
    std::vector<std::vector<float>> saved;
    for (ggml_tensor * p : params) saved.push_back(readTensor(p));
    std::vector<std::vector<float>> grads;
    {
        Optimizer optimizer(*s.engine, model, lora, 1, 0.9f, 0.999f, 1e-8f, 0.0f, [](int64_t) { return 1e-12; });
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
    const std::vector<float> scale = normalisation(c.lossNormalization, s.train, batches[0]);
    const MicroBatchInputs mb = makeMicroBatch(s.train, batches[0], scale, c.contextLength, s.model->hp.n_vocab);

    const std::vector<ggml_tensor *> params = s.lora->parameters();
    const auto grads = backwardGradients(s, *s.model, *s.lora, mb);
    // The policy-gradient objective J = Σ_t w_t · log p_t, assembled here in double from the graph's per-token log-probs
    // and the micro-batch's weights (advantages and KL terms for GRPO, of either sign), independently of the graph's
    // loss node. The loss is -J, so its backward gradient must equal the finite differences of -J.
    auto objectiveOf = [&](const ForwardResult & r) {
        double j = 0;
        for (size_t t = 0; t < mb.weights.size(); t++) j += double(mb.weights[t]) * double(r.logp[t]);
        return j;
    };
    const ForwardResult baseForward = forward(*s.engine, *s.model, s.lora.get(), mb, c.contextLength);
    const double baseLoss = baseForward.loss;
    const double baseObjective = objectiveOf(baseForward);
    int64_t positiveWeights = 0, negativeWeights = 0;
    for (float w : mb.weights) {
        positiveWeights += w > 0;
        negativeWeights += w < 0;
    }

    // Sample parameters spread over tensors; in each tensor alternately its largest-gradient element and a random one.
    std::mt19937 rng(c.seed);
    json checks = json::array();
    std::vector<double> analytic, numeric;
    double maxRelError = 0, maxObjectiveRelError = 0;
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
        auto forwardAt = [&](float value) {
            ggml_backend_tensor_set(p, &value, index * sizeof(float), sizeof(float));
            return forward(*s.engine, *s.model, s.lora.get(), mb, c.contextLength);
        };
        const ForwardResult plus = forwardAt(original + eps);
        const ForwardResult minus = forwardAt(original - eps);
        ggml_backend_tensor_set(p, &original, index * sizeof(float), sizeof(float));
        const double fd = (plus.loss - minus.loss) / (2.0 * double(eps));
        const double fdObjective = -(objectiveOf(plus) - objectiveOf(minus)) / (2.0 * double(eps));
        const double bw = g[index];
        auto relErrorTo = [&](double reference) {
            const double denom = std::max({std::fabs(reference), std::fabs(bw), 1e-3 * maxGrad, 1e-12});
            return std::fabs(reference - bw) / denom;
        };
        const double rel = relErrorTo(fd);
        const double relObjective = relErrorTo(fdObjective);
        maxRelError = std::max(maxRelError, rel);
        maxObjectiveRelError = std::max(maxObjectiveRelError, relObjective);
        analytic.push_back(bw);
        numeric.push_back(fd);
        checks.push_back({{"tensor", p->name}, {"index", index}, {"backward", bw}, {"numeric", fd}, {"relError", rel},
                          {"objectiveNumeric", fdObjective}, {"objectiveRelError", relObjective}});
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
          {"objective", baseObjective}, {"positiveWeights", positiveWeights}, {"negativeWeights", negativeWeights},
          {"epsilon", c.gradcheck.epsilon}, {"checks", checks}, {"maxRelError", maxRelError},
          {"maxObjectiveRelError", maxObjectiveRelError},
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
    emit({{"type", "error"}, {"message", "Usage: dianjin-trainer train|gradcheck|logprobs|session --config job.json"}});
    return 2;
}

} // namespace

int main(int argc, char ** argv) {
    const auto started = std::chrono::steady_clock::now();
    ggml_log_set(silenceGgmlLog, nullptr);
    if (argc != 4 || std::string(argv[2]) != "--config") return usage();
    const std::string mode = argv[1];
    if (mode != "train" && mode != "gradcheck" && mode != "logprobs" && mode != "session") return usage();
    std::signal(SIGTERM, mode == "session" ? onSessionStopSignal : onStopSignal);
    std::signal(SIGINT, mode == "session" ? onSessionStopSignal : onStopSignal);
    try {
        Setup s;
        s.config = readConfig(argv[3], mode);
        const bool needLora = mode != "logprobs" || !s.config.initAdapter.empty();
        setUp(s, needLora, /*needData =*/ mode != "session");
        if (mode == "train") return runTrain(s);
        if (mode == "gradcheck") return runGradcheck(s);
        if (mode == "session") return runSession(s, std::cin, started);
        return runLogprobs(s);
    } catch (const TrainerError & e) {
        emit({{"type", "error"}, {"message", e.what()}});
        return 1;
    } catch (const std::exception & e) {
        emit({{"type", "error"}, {"message", std::string("Unexpected failure: ") + e.what()}});
        return 1;
    }
}
