#include "capture/jpeg_scan.h"

#include <algorithm>
#include <cstring>

namespace vigil {

void JpegScan::startAtMarker()
{
    m_state = State::MarkerCode;
    m_corruptAfterFF = false;
}

bool JpegScan::onMarkerCode(uchar code, bool* end)
{
    *end = false;
    if (code == 0xFF) // fill byte
        return true;
    if (code == 0xD9) {
        *end = true;
        return true;
    }
    if (code == 0xD8 || code == 0x00)
        return false;
    if (code == 0x01 || (code >= 0xD0 && code <= 0xD7)) { // standalone markers
        m_state = State::Marker;
        return true;
    }
    m_code = code;
    m_state = State::LengthHi;
    return true;
}

JpegScan::Result JpegScan::scan(const uchar* d, qsizetype n, qsizetype* used)
{
    qsizetype i = 0;
    while (i < n) {
        switch (m_state) {
        case State::Marker:
            if (d[i] != 0xFF) {
                m_corruptAfterFF = false;
                *used = i;
                return Result::Corrupt;
            }
            ++i;
            m_state = State::MarkerCode;
            break;
        case State::EntropyFF: {
            const uchar c = d[i];
            if (c == 0x00 || (c >= 0xD0 && c <= 0xD7)) { // stuffing, RSTn
                ++i;
                m_state = State::Entropy;
                break;
            }
            [[fallthrough]]; // another marker ends the entropy data (progressive: DHT, SOS, ...)
        }
        case State::MarkerCode: {
            bool end = false;
            if (!onMarkerCode(d[i], &end)) {
                m_corruptAfterFF = true;
                *used = i;
                return Result::Corrupt;
            }
            ++i;
            if (end) {
                *used = i;
                return Result::End;
            }
            break;
        }
        case State::LengthHi:
            m_length = quint32(d[i++]) << 8;
            m_state = State::LengthLo;
            break;
        case State::LengthLo:
            m_length |= d[i++];
            if (m_length < 2) {
                m_corruptAfterFF = false;
                *used = i;
                return Result::Corrupt;
            }
            m_segmentLeft = m_length - 2;
            m_state = State::Segment;
            break;
        case State::Segment: {
            const qsizetype take = std::min<qsizetype>(n - i, m_segmentLeft);
            i += take;
            m_segmentLeft -= quint32(take);
            if (m_segmentLeft == 0)
                m_state = m_code == 0xDA ? State::Entropy : State::Marker;
            break;
        }
        case State::Entropy: {
            const void* ff = std::memchr(d + i, 0xFF, size_t(n - i));
            if (!ff) {
                i = n;
                break;
            }
            i = static_cast<const uchar*>(ff) - d + 1;
            m_state = State::EntropyFF;
            break;
        }
        }
    }
    *used = n;
    return Result::NeedMore;
}

} // namespace vigil
