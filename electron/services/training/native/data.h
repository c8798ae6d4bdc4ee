// Pre-tokenised training data (tokenisation and chat templating happen in TypeScript with node-llama-cpp) and its
// packing into fixed-length micro-batches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

// weights[i] weighs the prediction of tokens[i] from tokens[0..i-1]; weights[0] is ignored (nothing predicts it).
// 0 on prompt tokens, 1 on response tokens for SFT; an advantage (possibly negative) for GRPO.
struct Sequence {
    std::vector<int32_t> tokens;
    std::vector<float> weights;
    int64_t weightedTokens = 0; // predictions with a non-zero weight
};

// Reads JSON lines {"tokens":[...], "weights":[...]} ("weights" optional: then 1 on every token but the first).
// Errors name the file and line: bad JSON, token ids outside the vocabulary, sequences longer than the context.
std::vector<Sequence> loadSequences(const std::string & path, int64_t nVocab, int64_t contextLength);

// Micro-batches of at most `contextLength` tokens, each holding whole sequences (first fit, in `order`).
std::vector<std::vector<int>> packSequences(const std::vector<Sequence> & data, const std::vector<int> & order,
                                            int64_t contextLength);

struct MicroBatchInputs {
    std::vector<int32_t> tokens;
    std::vector<int32_t> positions;
    std::vector<int32_t> targets;
    std::vector<float> mask;
    std::vector<float> weights;
    int64_t realTokens = 0;
    // For each packed sequence: its index in the data set and its first slot.
    std::vector<std::pair<int, int64_t>> spans;
};

// Lays the sequences of one micro-batch out in T slots: causal attention within each sequence only (a block-diagonal
// mask), positions restarting at 0 per sequence, the prediction weights multiplied by `scale[sequence]`. Padding
// slots attend to themselves only and weigh 0.
MicroBatchInputs makeMicroBatch(const std::vector<Sequence> & data, const std::vector<int> & sequences,
                                const std::vector<float> & scale, int64_t contextLength, int64_t nVocab);
