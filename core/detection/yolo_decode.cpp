#include "detection/yolo_decode.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <opencv2/dnn.hpp>

namespace vigil {

namespace {

bool classAllowed(const DecodeOptions& o, int classId)
{
    if (!o.allowed || o.allowed->empty())
        return true;
    return classId < int(o.allowed->size()) && (*o.allowed)[classId];
}

// Best class among `n` scores.
int bestClass(const float* scores, int n, int stride, float* best)
{
    int id = 0;
    float s = scores[0];
    for (int c = 1; c < n; ++c) {
        const float v = scores[c * stride];
        if (v > s) {
            s = v;
            id = c;
        }
    }
    *best = s;
    return id;
}

void push(std::vector<Candidate>& cands, int classId, float score, float cx, float cy, float w, float h)
{
    cands.push_back({classId, score, cv::Rect2f(cx - w / 2, cy - h / 2, w, h)});
}

// Rows laid out [x, y, w, h, objectness, class scores...] (YOLOX, YOLOv5): the score is
// objectness x best class. False when the row is below the threshold or its class is filtered out.
bool scoreObjectnessRow(const float* row, int classes, const DecodeOptions& o, int* id, float* score)
{
    const float obj = row[4];
    if (obj < o.confThreshold)
        return false;
    float cls = 0.f;
    *id = bestClass(row + 5, classes, 1, &cls);
    *score = obj * cls;
    return *score >= o.confThreshold && classAllowed(o, *id);
}

} // namespace

void decodeYolox(const cv::Mat& out, const DecodeOptions& o, std::vector<Candidate>& cands)
{
    int n = 0, k = 0;
    if (!outputMatrixShape(out, &n, &k) || k < 6)
        return;
    const int classes = k - 5;
    const float* row = out.ptr<float>();
    int i = 0;
    for (int stride : {8, 16, 32}) {
        const int gw = o.input.width / stride;
        const int gh = o.input.height / stride;
        for (int gy = 0; gy < gh; ++gy) {
            for (int gx = 0; gx < gw; ++gx, ++i, row += k) {
                if (i >= n)
                    return;
                int id = 0;
                float score = 0.f;
                if (!scoreObjectnessRow(row, classes, o, &id, &score))
                    continue;
                push(cands, id, score, (row[0] + gx) * stride, (row[1] + gy) * stride,
                     std::exp(row[2]) * stride, std::exp(row[3]) * stride);
            }
        }
    }
}

void decodeYolov5(const cv::Mat& out, const DecodeOptions& o, std::vector<Candidate>& cands)
{
    int n = 0, k = 0;
    if (!outputMatrixShape(out, &n, &k) || k < 6)
        return;
    const int classes = k - 5;
    const float* row = out.ptr<float>();
    for (int i = 0; i < n; ++i, row += k) {
        int id = 0;
        float score = 0.f;
        if (!scoreObjectnessRow(row, classes, o, &id, &score))
            continue;
        push(cands, id, score, row[0], row[1], row[2], row[3]);
    }
}

void decodeYolov8(const cv::Mat& out, const DecodeOptions& o, std::vector<Candidate>& cands)
{
    int k = 0, n = 0;
    if (!outputMatrixShape(out, &k, &n) || k < 5)
        return;
    const int classes = k - 4;
    const float* base = out.ptr<float>();
    for (int i = 0; i < n; ++i) {
        // Column i: values are n floats apart.
        float score = 0.f;
        const int id = bestClass(base + 4 * n + i, classes, n, &score);
        if (score < o.confThreshold || !classAllowed(o, id))
            continue;
        push(cands, id, score, base[i], base[n + i], base[2 * n + i], base[3 * n + i]);
    }
}

void decodeDarknet(const std::vector<cv::Mat>& outs, const DecodeOptions& o, std::vector<Candidate>& cands)
{
    const float iw = float(o.input.width);
    const float ih = float(o.input.height);
    for (const cv::Mat& out : outs) {
        int n = 0, k = 0;
        if (!outputMatrixShape(out, &n, &k) || k < 6)
            continue;
        const float* row = out.ptr<float>();
        for (int i = 0; i < n; ++i, row += k) {
            if (row[4] < o.confThreshold)
                continue;
            float score = 0.f;
            const int id = bestClass(row + 5, k - 5, 1, &score);
            if (score < o.confThreshold || !classAllowed(o, id))
                continue;
            push(cands, id, score, row[0] * iw, row[1] * ih, row[2] * iw, row[3] * ih);
        }
    }
}

void decodeOutputs(YoloFamily family, const std::vector<cv::Mat>& outs, const DecodeOptions& o,
                   std::vector<Candidate>& cands)
{
    if (outs.empty())
        return;
    switch (family) {
    case YoloFamily::Yolox: decodeYolox(outs.front(), o, cands); break;
    case YoloFamily::Yolov5: decodeYolov5(outs.front(), o, cands); break;
    case YoloFamily::Yolov8: decodeYolov8(outs.front(), o, cands); break;
    case YoloFamily::Darknet: decodeDarknet(outs, o, cands); break;
    case YoloFamily::Unknown: break;
    }
}

std::vector<Candidate> nmsPerClass(const std::vector<Candidate>& cands, float confThreshold, float nmsThreshold)
{
    std::map<int, std::vector<int>> byClass;
    for (int i = 0; i < int(cands.size()); ++i)
        byClass[cands[i].classId].push_back(i);

    std::vector<Candidate> kept;
    std::vector<cv::Rect2d> boxes;
    std::vector<float> scores;
    std::vector<int> keep;
    for (const auto& [classId, idx] : byClass) {
        boxes.clear();
        scores.clear();
        for (int i : idx) {
            boxes.emplace_back(cands[i].box);
            scores.push_back(cands[i].score);
        }
        keep.clear();
        cv::dnn::NMSBoxes(boxes, scores, confThreshold, nmsThreshold, keep);
        for (int j : keep)
            kept.push_back(cands[idx[j]]);
    }
    std::stable_sort(kept.begin(), kept.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    return kept;
}

} // namespace vigil
