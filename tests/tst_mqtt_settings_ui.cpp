// The desktop's MQTT settings page and status: what the user types becomes the `mqtt` section, bad
// values are said and block OK, and the status bar tells why the broker is not reached.
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include "camera_manager.h"
#include "main_window.h"
#include "settings_dialog.h"

using namespace vigil;

class TestMqttSettingsUi : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    template <typename T>
    static T* child(QWidget* w, const char* name)
    {
        T* c = w->findChild<T*>(QString::fromLatin1(name));
        if (!c)
            qWarning() << "no" << name;
        return c;
    }
    static QPushButton* ok(QDialog& d)
    {
        return d.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    }

private slots:
    void initTestCase()
    {
        for (const char* v : {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"})
            qputenv(v, QFile::encodeName(m_dir.filePath(v)));
        QStandardPaths::setTestModeEnabled(true);
    }

    void pageEditsTheMqttSection()
    {
        SettingsDialog d(AppSettings(), true);
        auto* enabled = child<QCheckBox>(&d, "mqttEnabled");
        auto* host = child<QLineEdit>(&d, "mqttHost");
        auto* prefix = child<QLineEdit>(&d, "mqttPrefix");
        auto* error = child<QLabel>(&d, "mqttError");
        QVERIFY(enabled && host && prefix && error);
        QVERIFY(!enabled->isChecked());
        QVERIFY(!host->isEnabled());
        QVERIFY(ok(d)->isEnabled());

        enabled->setChecked(true);                 // no broker yet: said, and OK waits for it
        QVERIFY(host->isEnabled());
        QVERIFY(error->text().contains("broker"));
        QVERIFY(!ok(d)->isEnabled());
        host->setText("broker.lan");
        prefix->setText("vigil/#");                // a wildcard cannot be a prefix
        QVERIFY(!error->text().isEmpty());
        QVERIFY(!ok(d)->isEnabled());
        prefix->setText("vigil-garage");
        QVERIFY(error->text().isEmpty());
        QVERIFY(ok(d)->isEnabled());
        child<QSpinBox>(&d, "mqttPort")->setValue(1884);
        child<QLineEdit>(&d, "mqttUser")->setText("cam");
        child<QLineEdit>(&d, "mqttPassword")->setText("s3cret");

        const MqttSettings m = d.settings().mqtt;
        QVERIFY(m.enabled);
        QCOMPARE(m.host, QStringLiteral("broker.lan"));
        QCOMPARE(m.port, 1884);
        QCOMPARE(m.username, QStringLiteral("cam"));
        QCOMPARE(m.password, QStringLiteral("s3cret"));
        QCOMPARE(m.topicPrefix, QStringLiteral("vigil-garage"));
        // Opened again on what it produced, it produces the same.
        SettingsDialog again(d.settings(), true);
        QCOMPARE(again.settings().mqtt, m);
    }

    void statusBarSaysWhyTheBrokerIsNotReached()
    {
        // A port nobody listens on: connection refused.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        AppSettings s;
        s.mqtt.enabled = true;
        s.mqtt.host = "127.0.0.1";
        s.mqtt.port = port;
        const QString config = m_dir.filePath("config.json");
        QVERIFY(saveAppSettings(s, config));
        CameraManager manager(config);
        manager.load();
        MainWindow window(&manager);
        window.show();
        auto* label = window.findChild<QLabel*>("mqttStatus");
        QVERIFY(label);
        QTRY_VERIFY_WITH_TIMEOUT(label->isVisible() && label->text().contains("reconnecting: refused"), 15000);
        QVERIFY(label->toolTip().contains("refused"));
        // Turned off in the settings, it leaves the status bar.
        s.mqtt.enabled = false;
        manager.setSettings(s);
        QTRY_VERIFY_WITH_TIMEOUT(!label->isVisible(), 5000);
    }
};

QTEST_MAIN(TestMqttSettingsUi)
#include "tst_mqtt_settings_ui.moc"
