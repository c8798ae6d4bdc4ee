#include "data.h"

#include <cmath>
#include <fstream>
#include <limits>

#include "common.h"

std::vector<Sequence> loadSequences(const std::string & path, int64_t nVocab, int64_t contextLength) {
    std::ifstream in(path);
    if (!in) fail("The data file " + path + " does not exist or cannot be read.");
    std::vector<Sequence> result;
    std::string line;
    int64_t lineNo = 0;
    while (std::getline(in, line)) {
        lineNo++;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = path + " line " + std::to_string(lineNo);
        json item;
        try {
            item = json::parse(line);
        } catch (const std::exception &) {
            fail(where + " is not valid JSON.");
        }
        if (!item.is_object() || !item.contains("tokens") || !item["tokens"].is_array()) {
            fail(where + " needs a \"tokens\" array of token ids.");
        }
        Sequence s;
        for (const auto & t : item["tokens"]) {
            if (!t.is_number_integer() || t.get<int64_t>() < 0 || t.get<int64_t>() >= nVocab) {
                fail(where + " has a token id outside the model's vocabulary (0.." + std::to_string(nVocab - 1) + ").");
            }
            s.tokens.push_back(t.get<int32_t>());
        }
        if (s.tokens.size() < 2) fail(where + " has fewer than 2 tokens; there is nothing to predict.");
        if (int64_t(s.tokens.size()) > contextLength) {
            fail(where + " has " + std::to_string(s.tokens.size()) + " tokens, more than the context length " +
                 std::to_string(contextLength) + "; raise contextLength or shorten the item.");
        }
        if (item.contains("weights")) {
            if (!item["weights"].is_array() || item["weights"].size() != s.tokens.size()) {
                fail(where + " needs one weight per token (\"weights\" has a different length than \"tokens\").");
            }
            for (const auto & w : item["weights"]) {
                if (!w.is_number() || !std::isfinite(w.get<double>())) fail(where + " has a weight that is not a finite number.");
                s.weights.push_back(w.get<float>());
            }
        } else {
            s.weights.assign(s.tokens.size(), 1.0f);
        }
        s.weights[0] = 0.0f;
        for (size_t i = 1; i < s.weights.size(); i++) s.weightedTokens += s.weights[i] != 0.0f;
        result.push_back(std::move(s));
    }
    if (result.empty()) fail("The data file " + path + " holds no sequences.");
    return result;
}

std::vector<std::vector<int>> packSequences(const std::vector<Sequence> & data, const std::vector<int> & order,
                                            int64_t contextLength) {
    std::vector<std::vector<int>> batches;
    std::vector<int64_t> used;
    for (int index : order) {
        const int64_t n = int64_t(data[size_t(index)].tokens.size());
        size_t b = 0;
        while (b < batches.size() && used[b] + n > contextLength) b++;
        if (b == batches.size()) {
            batches.emplace_back();
            used.push_back(0);
        }
        batches[b].push_back(index);
        used[b] += n;
    }
    return batches;
}

MicroBatchInputs makeMicroBatch(const std::vector<Sequence> & data, const std::vector<int> & sequences,
                                const std::vector<float> & scale, int64_t T, int64_t nVocab) {
    MicroBatchInputs mb;
    mb.tokens.assign(size_t(T), 0);
    mb.positions.assign(size_t(T), 0);
    mb.targets.assign(size_t(T), 0);
    mb.weights.assign(size_t(T), 0.0f);
    std::vector<int64_t> owner(size_t(T), -1);
    int64_t slot = 0;
    for (int index : sequences) {
        const Sequence & s = data[size_t(index)];
        const int64_t n = int64_t(s.tokens.size());
        mb.spans.emplace_back(index, slot);
        for (int64_t i = 0; i < n; i++) {
            const size_t at = size_t(slot + i);
            mb.tokens[at] = s.tokens[size_t(i)];
            mb.positions[at] = int32_t(i);
            owner[at] = index;
            if (i + 1 < n) {
                mb.targets[at] = int32_t((slot + i) * nVocab + s.tokens[size_t(i + 1)]);
                mb.weights[at] = s.weights[size_t(i + 1)] * scale[size_t(index)];
            } else {
                mb.targets[at] = int32_t((slot + i) * nVocab);
            }
        }
        slot += n;
    }
    mb.realTokens = slot;
    for (int64_t i = slot; i < T; i++) mb.targets[size_t(i)] = int32_t(i * nVocab);

    const float inf = std::numeric_limits<float>::infinity();
    mb.mask.assign(size_t(T * T), -inf);
    for (int64_t q = 0; q < T; q++) {
        float * row = mb.mask.data() + q * T;
        if (owner[size_t(q)] < 0) {
            row[q] = 0.0f;
            continue;
        }
        const int64_t start = q - mb.positions[size_t(q)];
        for (int64_t k = start; k <= q; k++) row[k] = 0.0f;
    }
    return mb;
}
