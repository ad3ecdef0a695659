#pragma once
// The desktop app's link to the rebroadcast (WebSocket/HTTP) server.
// INTEGRATION POINT: compiled against core/rebroadcast/rebroadcast_server.h when that header is
// present; otherwise a stub that reports "not available in this build".
#include <QList>
#include <QObject>
#include <QString>

namespace vigil {

class Camera;
class RebroadcastServer;

class RebroadcastLink : public QObject {
    Q_OBJECT
public:
    explicit RebroadcastLink(QObject* parent = nullptr);
    ~RebroadcastLink() override;

    static bool available();
    bool start(const QString& bind, quint16 port, const QString& token, const QList<Camera*>& cameras,
               QString* error);
    void stop();
    bool isRunning() const;
    QString viewerUrl() const;
    int clientCount() const;
    void addCamera(Camera* camera);
    void removeCamera(Camera* camera);

signals:
    void changed();

private:
    RebroadcastServer* m_server = nullptr;
};

} // namespace vigil
