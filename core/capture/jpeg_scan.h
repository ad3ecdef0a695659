#pragma once
// Walks a JPEG's structure as its bytes arrive, to find where it ends: marker segments are skipped
// by their lengths, entropy-coded data up to the next marker, so a nested JPEG (an EXIF thumbnail)
// does not end the outer one. State carries over between slices: every byte is looked at once.
#include <QtGlobal>

namespace vigil {

class JpegScan {
public:
    enum class Result { NeedMore, End, Corrupt };

    // The scan starts right after SOI's FF D8 and the FF that begins the next marker.
    void startAtMarker();

    // Walks d[0..n). *used: NeedMore: n; End: bytes up to and including EOI; Corrupt: the bytes
    // before the offending one (which is not used).
    Result scan(const uchar* d, qsizetype n, qsizetype* used);

    // After Corrupt: the offending byte followed an FF (the FF may start the next SOI).
    bool corruptAfterFF() const { return m_corruptAfterFF; }

private:
    enum class State { Marker, MarkerCode, LengthHi, LengthLo, Segment, Entropy, EntropyFF };
    // A marker code after FF (outside entropy data or ending it); returns false when corrupt.
    bool onMarkerCode(uchar code, bool* end);

    State m_state = State::Marker;
    uchar m_code = 0;
    quint32 m_length = 0;
    quint32 m_segmentLeft = 0;
    bool m_corruptAfterFF = false;
};

} // namespace vigil
