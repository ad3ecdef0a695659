#pragma once
// A synthetic yard with a real person (cut from the shared test photo) for the benchmarks: static
// scenes with sensor noise and slow light changes, and a person walking.
#include <QByteArray>
#include <QList>
#include <QString>
#include <opencv2/core.hpp>

namespace vigil::bench {

struct Scene {
    cv::Mat yard;
    cv::Mat person;
    Scene();
    bool ok() const { return !person.empty(); }
    // brightness: added to every pixel; noise: sensor noise sigma; personX < 0: nobody.
    QByteArray frame(int personX, double brightness, double noise, cv::RNG& rng) const;
};

// Static: sensor noise and a slow light change (+-12 grey levels over the 4 s loop), nobody moving.
QList<QByteArray> staticLoop(const Scene& s);
// A person walking across and back (4 s at 30 FPS), with the same noise.
QList<QByteArray> walkingLoop(const Scene& s);
// `seconds` long at 30 FPS: a person crosses in the first 3 s, then the yard is empty.
QList<QByteArray> visitLoop(const Scene& s, int seconds);
// Writes the frames as numbered JPEGs (for serveIfAsked's --frames DIR).
bool writeFrames(const QList<QByteArray>& frames, const QString& dir);

} // namespace vigil::bench
