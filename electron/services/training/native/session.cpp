#include "session.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>

#ifdef _WIN32
#    include <io.h>
#else
#    include <unistd.h>
#endif

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Stop signals: a handler may only do async-signal-safe work, so the "stopped" line it writes while the session waits
// for a command is formatted beforehand.

std::atomic<bool> g_idle{false};
char g_stoppedLine[128] = "{\"type\":\"stopped\",\"step\":0}\n";
std::atomic<size_t> g_stoppedLength{0};

void prepareStoppedLine(int64_t step) {
    const int n = std::snprintf(g_stoppedLine, sizeof(g_stoppedLine), "{\"type\":\"stopped\",\"step\":%lld}\n", (long long) step);
    g_stoppedLength.store(n > 0 ? size_t(n) : 0);
}

void writeStdout(const char * text, size_t n) {
#ifdef _WIN32
    (void) _write(1, text, unsigned(n));
#else
    (void) !::write(1, text, n);
#endif
}

// An error after which the state in memory can no longer be trusted (a step that failed half-way leaves half-applied
// gradients; a NaN loss leaves NaN weights): reported, then the session exits non-zero.
struct FatalError : TrainerError {
    using TrainerError::TrainerError;
};

// Runs `fn`, turning any failure into a FatalError: used around the work that changes the session's state.
template <typename Fn>
auto fatalOnError(Fn fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const FatalError &) {
        throw;
    } catch (const std::exception & e) {
        throw FatalError(e.what());
    }
}

// Micro-batch slots are rounded up to this (at most contextLength): a session's data is often far shorter than the
// context, and a graph's cost grows with its slots (attention with their square).
constexpr int64_t kSlotGranularity = 16;

int64_t slotsFor(const std::vector<Sequence> & data, const std::vector<int> & batch, int64_t contextLength) {
    int64_t n = 0;
    for (int i : batch) n += int64_t(data[size_t(i)].tokens.size());
    return std::min(contextLength, (n + kSlotGranularity - 1) / kSlotGranularity * kSlotGranularity);
}

std::vector<int> allOf(const std::vector<Sequence> & data) {
    std::vector<int> order(data.size());
    for (size_t i = 0; i < order.size(); i++) order[i] = int(i);
    return order;
}

void copyAdapter(const LoraAdapter & from, LoraAdapter & to) {
    const auto src = from.parameters();
    const auto dst = to.parameters();
    std::vector<float> values;
    for (size_t i = 0; i < src.size(); i++) {
        values.resize(size_t(ggml_nelements(src[i])));
        ggml_backend_tensor_get(src[i], values.data(), 0, ggml_nbytes(src[i]));
        ggml_backend_tensor_set(dst[i], values.data(), 0, ggml_nbytes(dst[i]));
    }
}

class Session {
public:
    Session(Setup & setup, std::chrono::steady_clock::time_point started) : s(setup), c(setup.config), started(started) {}

    int run(std::istream & commands) {
        start();
        std::string line;
        while (true) {
            prepareStoppedLine(step);
            g_idle.store(true);
            if (g_stopRequested.load()) return stopped();
            const bool got = bool(std::getline(commands, line));
            g_idle.store(false);
            if (!got) {
                emit({{"type", "exit"}, {"reason", "eof"}, {"step", step}});
                return 0;
            }
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            json command;
            json name = nullptr;
            try {
                try {
                    command = json::parse(line);
                } catch (const json::exception &) {
                    fail("The command is not valid JSON; send one object per line, e.g. {\"cmd\":\"step\",\"data\":\"…\"}.");
                }
                if (!command.is_object() || !command.contains("cmd") || !command["cmd"].is_string()) {
                    fail("A command is a JSON object with \"cmd\": logprobs, step, save, checkpoint or quit.");
                }
                name = command["cmd"];
                const std::string cmd = name.get<std::string>();
                if (cmd == "quit") {
                    allowFields(command, {});
                    reply(command, {{"type", "exit"}, {"reason", "quit"}, {"step", step}});
                    return 0;
                }
                if (cmd == "logprobs") {
                    logprobs(command);
                } else if (cmd == "step") {
                    trainStep(command);
                } else if (cmd == "save") {
                    save(command);
                } else if (cmd == "checkpoint") {
                    checkpoint(command);
                } else {
                    fail("Unknown command '" + cmd + "'; use logprobs, step, save, checkpoint or quit.");
                }
            } catch (const FatalError & e) {
                reply(command, {{"type", "error"}, {"message", e.what()}, {"cmd", name}, {"fatal", true}});
                return 1;
            } catch (const std::exception & e) {
                // Bad input (a missing or malformed data file, an unwritable path, a bad field): nothing changed.
                reply(command, {{"type", "error"}, {"message", e.what()}, {"cmd", name}, {"fatal", false}});
            }
            if (g_stopRequested.load()) return stopped();
        }
    }

private:
    Setup & s;
    const Config & c;
    std::chrono::steady_clock::time_point started;
    // The frozen reference for the KL term: a copy of the starting adapter (initAdapter), or null for the base model.
    std::unique_ptr<LoraAdapter> reference;
    // ggml-opt fixes the micro-batches per optimizer step when it is created; a step with another count gets a new
    // optimizer, and the AdamW moments and the step count carry over (the bias-correction rescaling that makes resumed
    // runs exact does the same here).
    std::unique_ptr<Optimizer> optimizer;
    std::map<std::string, HostTensor> carriedMoments;
    int64_t step = 0;
    int64_t resumedFromStep = 0;
    double stepLr = 0;

    void start() {
        if (!c.initAdapter.empty()) {
            reference = createLora(*s.model, s.lora->rank, s.lora->alpha, s.lora->modules, s.engine->weightBuft);
            copyAdapter(*s.lora, *reference);
        }
        const std::string statePath = c.checkpointDir.empty() ? "" : joinPath(c.checkpointDir, "checkpoint.gguf");
        if (c.resume && !statePath.empty() && std::ifstream(statePath).good()) {
            CheckpointState state;
            loadLoraFile(*s.lora, statePath, &carriedMoments, &readCheckpointKv, &state);
            if (state.step < 0) fail("The checkpoint " + statePath + " has no step count; it was not written by dianjin-trainer.");
            step = resumedFromStep = state.step;
        }
        emit({{"type", "start"}, {"mode", "session"}, {"model", c.model}, {"architecture", s.model->architecture},
              {"baseType", s.model->weightType}, {"layers", s.model->hp.n_layer}, {"embeddingLength", s.model->hp.n_embd},
              {"vocabularySize", s.model->hp.n_vocab}, {"backend", s.engine->backendName}, {"threads", c.threads},
              {"rank", s.lora->rank}, {"alpha", s.lora->alpha}, {"targets", s.lora->modules}, {"lr", c.lr},
              {"weightDecay", c.weightDecay}, {"contextLength", c.contextLength}, {"lossNormalization", c.lossNormalization},
              {"initAdapter", c.initAdapter.empty() ? json(nullptr) : json(c.initAdapter)},
              {"reference", reference ? "initAdapter" : "base"}, {"resumedFromStep", resumedFromStep},
              {"trainableParams", s.lora->parameterCount()}, {"weightBytes", s.model->weightBytes},
              {"peakMemoryBytes", peakMemoryBytes()}, {"startSeconds", secondsSince(started)}});
    }

    int stopped() {
        emit({{"type", "stopped"}, {"step", step}});
        return 0;
    }

    // Every answer to a command carries the command's "id" when it had one, so a client may match them up.
    static void reply(const json & command, json message) {
        if (command.is_object() && command.contains("id")) message["id"] = command["id"];
        emit(message);
    }

    static void allowFields(const json & command, std::initializer_list<const char *> fields) {
        for (auto it = command.begin(); it != command.end(); ++it) {
            const std::string & key = it.key();
            if (key == "cmd" || key == "id") continue;
            bool known = false;
            for (const char * f : fields) known = known || key == f;
            if (!known) fail("Unknown field '" + key + "' in the " + command["cmd"].get<std::string>() + " command.");
        }
    }

    static std::string stringField(const json & command, const char * key, const std::string & fallback, const char * what) {
        if (!command.contains(key) || command[key].is_null()) {
            if (!fallback.empty()) return fallback;
            fail("The " + command["cmd"].get<std::string>() + " command needs \"" + key + "\": " + what + ".");
        }
        if (!command[key].is_string() || command[key].get<std::string>().empty()) fail(std::string(key) + " must be a non-empty string.");
        return command[key].get<std::string>();
    }

    std::vector<Sequence> loadData(const json & command) {
        const std::string path = stringField(command, "data", "", "the path of the sequences (JSON lines, as for train)");
        return loadSequences(path, s.model->hp.n_vocab, c.contextLength);
    }

    Optimizer & optimizerFor(int64_t microBatches) {
        if (optimizer && optimizer->gradAccumulation == microBatches) return *optimizer;
        if (optimizer) {
            carriedMoments = optimizer->momentsToHost();
            optimizer.reset();
        }
        optimizer = std::make_unique<Optimizer>(*s.engine, *s.model, *s.lora, microBatches, c.beta1, c.beta2, c.adamEps,
                                                c.weightDecay, [this](int64_t) { return stepLr; });
        optimizer->resumedSteps = step;
        optimizer->pendingMoments = carriedMoments;
        return *optimizer;
    }

    // Per-token log-probabilities of each sequence's weighted targets under the current adapter or the reference.
    void logprobs(const json & command) {
        allowFields(command, {"data", "adapter"});
        const std::string which = stringField(command, "adapter", "current", "");
        if (which != "current" && which != "reference") fail("adapter must be \"current\" or \"reference\".");
        const std::vector<Sequence> data = loadData(command);
        const LoraAdapter * adapter = which == "current" ? s.lora.get() : reference.get();
        const auto commandStarted = std::chrono::steady_clock::now();
        std::vector<std::vector<double>> perToken(data.size());
        int64_t tokens = 0;
        fatalOnError([&] {
            const std::vector<float> ones(data.size(), 1.0f);
            for (const auto & batch : packSequences(data, allOf(data), c.contextLength)) {
                const int64_t T = slotsFor(data, batch, c.contextLength);
                const MicroBatchInputs mb = makeMicroBatch(data, batch, ones, T, s.model->hp.n_vocab);
                const ForwardResult r = forward(*s.engine, *s.model, adapter, mb, T);
                tokens += mb.realTokens;
                for (const auto & span : mb.spans) {
                    const Sequence & q = data[size_t(span.first)];
                    std::vector<double> & out = perToken[size_t(span.first)];
                    out.assign(q.tokens.size(), 0.0);
                    for (size_t i = 1; i < q.tokens.size(); i++) {
                        if (q.weights[i] != 0.0f) out[i] = r.logp[size_t(span.second) + i - 1];
                    }
                }
            }
        });
        for (size_t i = 0; i < data.size(); i++) {
            double sum = 0;
            for (double v : perToken[i]) sum += v;
            reply(command, {{"type", "logprobs"}, {"index", i}, {"tokens", perToken[i]}, {"sum", sum}});
        }
        reply(command, {{"type", "done"}, {"cmd", "logprobs"}, {"adapter", which}, {"sequences", data.size()},
                        {"tokens", tokens}, {"seconds", secondsSince(commandStarted)}});
    }

    // One optimizer update on all the given sequences: as many micro-batches as they need, gradients accumulated.
    void trainStep(const json & command) {
        allowFields(command, {"data", "lr", "lossNormalization"});
        double lr = c.lr;
        if (command.contains("lr")) {
            if (!command["lr"].is_number() || !(command["lr"].get<double>() > 0) || command["lr"].get<double>() > 1) {
                fail("lr must be a number above 0 and at most 1.");
            }
            lr = command["lr"].get<double>();
        }
        const std::string normalization = stringField(command, "lossNormalization", c.lossNormalization, "");
        if (normalization != "tokens" && normalization != "sequences" && normalization != "none") {
            fail("lossNormalization must be \"tokens\", \"sequences\" or \"none\".");
        }
        const std::vector<Sequence> data = loadData(command);
        const std::vector<int> order = allOf(data);
        const auto batches = packSequences(data, order, c.contextLength);
        const std::vector<float> scale = normalisation(normalization, data, order);

        const auto stepStarted = std::chrono::steady_clock::now();
        double loss = 0;
        int64_t tokens = 0, weighted = 0;
        for (const Sequence & q : data) weighted += q.weightedTokens;
        fatalOnError([&] {
            Optimizer & opt = optimizerFor(int64_t(batches.size()));
            stepLr = lr;
            for (const auto & batch : batches) {
                const MicroBatchInputs mb = makeMicroBatch(data, batch, scale, slotsFor(data, batch, c.contextLength), s.model->hp.n_vocab);
                loss += opt.microBatch(mb);
                tokens += mb.realTokens;
            }
            step++;
            if (!std::isfinite(loss)) {
                throw FatalError("The loss became " + std::string(std::isnan(loss) ? "NaN" : "infinite") + " at step " +
                                 std::to_string(step) + "; lower the learning rate or the advantages' scale.");
            }
        });
        const double seconds = secondsSince(stepStarted);
        reply(command, {{"type", "step"}, {"step", step}, {"loss", loss}, {"tokens", tokens}, {"weightedTokens", weighted},
                        {"sequences", data.size()}, {"microBatches", batches.size()},
                        {"tokensPerSecond", seconds > 0 ? double(tokens) / seconds : 0.0}, {"stepSeconds", seconds},
                        {"peakMemoryBytes", peakMemoryBytes()}, {"lr", lr}});
    }

    void save(const json & command) {
        allowFields(command, {"out"});
        const std::string out = stringField(command, "out", "", "where to write the adapter GGUF");
        CheckpointState state;
        state.step = step;
        saveLoraFile(*s.lora, *s.model, out, {}, &writeAdapterKv, &state);
        reply(command, {{"type", "saved"}, {"path", out}, {"step", step}});
    }

    // checkpoint.gguf (adapter + AdamW moments + step) and adapter.gguf in `dir`; a session started with
    // {"checkpointDir": dir, "resume": true} continues from it. The reference stays initAdapter (or the base).
    void checkpoint(const json & command) {
        allowFields(command, {"dir"});
        const std::string dir = stringField(command, "dir", c.checkpointDir, "the folder to write checkpoint.gguf and adapter.gguf to");
        std::error_code error;
        std::filesystem::create_directories(dir, error);
        if (error) fail("Could not create the checkpoint folder " + dir + " (" + error.message() + ").");
        const std::string statePath = joinPath(dir, "checkpoint.gguf");
        const std::string adapterPath = joinPath(dir, "adapter.gguf");
        CheckpointState state;
        state.step = step;
        state.seed = c.seed;
        state.gradAccumulation = 0; // a session's steps are not positions in a data plan: `train` will not resume it
        state.contextLength = c.contextLength;
        saveLoraFile(*s.lora, *s.model, statePath, optimizer ? optimizer->momentsToHost() : carriedMoments, &writeCheckpointKv, &state);
        saveLoraFile(*s.lora, *s.model, adapterPath, {}, &writeAdapterKv, &state);
        reply(command, {{"type", "checkpoint"}, {"step", step}, {"path", statePath}, {"adapter", adapterPath}});
    }
};

} // namespace

extern "C" void onSessionStopSignal(int) {
    if (g_idle.load()) {
        writeStdout(g_stoppedLine, g_stoppedLength.load());
        std::_Exit(0);
    }
    g_stopRequested.store(true);
}

int runSession(Setup & s, std::istream & commands, std::chrono::steady_clock::time_point started) {
    Session session(s, started);
    return session.run(commands);
}
