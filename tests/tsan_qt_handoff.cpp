// Linked into the tests only under ThreadSanitizer. Debian's Qt is not instrumented, so TSan cannot
// see the locks with which Qt hands a queued call to another thread: everything Vigil writes
// before QMetaObject::invokeMethod and reads inside the call would be reported. This tells TSan
// about the hand-off Qt guarantees (and nothing more), at the two entry points Vigil's code calls:
// - invokeMethod (queued, blocking or direct): the functor is wrapped, its post happens-before its
//   call, and for a blocking call the call happens-before invokeMethod returns;
// - QThread: its end (QThread::finished) happens-before QThread::wait() returns true (Qt threads
//   are detached, so TSan sees no join);
// - queued signals: an emission happens-before any queued call (QEvent::MetaCall) delivered after
//   it. This is wider than Qt's real ordering (per receiver), so it can hide a race that only a
//   queued signal orders; it never orders two threads that exchange no events.
// What Qt does inside (allocating and freeing the event, copying arguments) stays invisible; those
// reports are suppressed by Qt function name in tests/tsan.supp.
#include <QCoreApplication>
#include <QEvent>
#include <QMetaObject>
#include <QThread>
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

namespace {

using InvokeFn = bool (*)(QObject*, QtPrivate::QSlotObjectBase*, Qt::ConnectionType, void*);
using ActivateFn = void (*)(QObject*, const QMetaObject*, int, void**);
using StartFn = void (*)(QThread*, QThread::Priority);
using WaitFn = bool (*)(QThread*, QDeadlineTimer);

template<typename Fn>
Fn realQt(const char* mangled)
{
    auto fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, mangled));
    if (!fn)
        qFatal("tsan_qt_handoff: %s not found in Qt", mangled);
    return fn;
}

// The functor Qt runs on the receiver's thread; its address is the synchronisation point.
class AnnotatedSlot : public QtPrivate::QSlotObjectBase
{
public:
    explicit AnnotatedSlot(QtPrivate::QSlotObjectBase* inner) : QSlotObjectBase(&impl), m_inner(inner) {}

private:
    static void impl(int which, QSlotObjectBase* self, QObject* receiver, void** args, bool* ret)
    {
        auto* s = static_cast<AnnotatedSlot*>(self);
        switch (which) {
        case Call:
            __tsan_acquire(s);
            s->m_inner->call(receiver, args);
            __tsan_release(s);
            break;
        case Compare:
            *ret = s->m_inner->compare(args);
            break;
        case Destroy:
            __tsan_acquire(s);  // the last reference drop orders after every call
            s->m_inner->destroyIfLastRef();
            delete s;
            break;
        }
    }
    QtPrivate::QSlotObjectBase* m_inner;
};

// Connected to QThread::finished (emitted on the finishing thread): its call is the thread's end;
// Qt destroys it with the connection (with the QThread), ordered after that call.
struct ThreadEnd {
    QThread* thread;
    void operator()() const { __tsan_release(thread); }
    ~ThreadEnd() { __tsan_acquire(thread); }
};

char g_queuedSignals;  // one point for every queued signal (see above)

// Every delivered event (not only QEvent::MetaCall: reading the event's type would itself race
// with Qt's allocation of it).
bool onEventNotify(void**)
{
    __tsan_acquire(&g_queuedSignals);
    return false;  // never consumes the event
}

const bool g_registered = QInternal::registerCallback(QInternal::EventNotifyCallback, &onEventNotify);

} // namespace

bool QMetaObject::invokeMethodImpl(QObject* object, QtPrivate::QSlotObjectBase* slot, Qt::ConnectionType type,
                                   void* ret)
{
    static const auto real =
        realQt<InvokeFn>("_ZN11QMetaObject16invokeMethodImplEP7QObjectPN9QtPrivate15QSlotObjectBaseEN2Qt14ConnectionTypeEPv");
    Q_UNUSED(g_registered);
    auto* wrapped = new AnnotatedSlot(slot);
    __tsan_release(wrapped);
    // A blocking call returns after the call; a direct one ran here. Then reading its results is
    // ordered. A queued call returns at once, so nothing is acquired (that would be too wide).
    const bool waits = type == Qt::BlockingQueuedConnection || type == Qt::DirectConnection
        || (type == Qt::AutoConnection && object && object->thread() == QThread::currentThread());
    wrapped->ref();  // keep it alive to acquire below; Qt drops its own reference
    const bool ok = real(object, wrapped, type, ret);
    if (waits)
        __tsan_acquire(wrapped);
    wrapped->destroyIfLastRef();
    return ok;
}

void QMetaObject::activate(QObject* sender, const QMetaObject* m, int localSignalIndex, void** argv)
{
    static const auto real = realQt<ActivateFn>("_ZN11QMetaObject8activateEP7QObjectPKS_iPPv");
    __tsan_release(&g_queuedSignals);
    real(sender, m, localSignalIndex, argv);
    // Again after Qt allocated the queued call's argument array, for a receiver that runs later.
    __tsan_release(&g_queuedSignals);
}

void QThread::start(Priority priority)
{
    static const auto real = realQt<StartFn>("_ZN7QThread5startENS_8PriorityE");
    // Runs on the finishing thread itself, before wait() can return.
    connect(this, &QThread::finished, this, ThreadEnd{this}, Qt::DirectConnection);
    real(this, priority);
}

bool QThread::wait(QDeadlineTimer deadline)
{
    static const auto real = realQt<WaitFn>("_ZN7QThread4waitE14QDeadlineTimer");
    const bool finished = real(this, deadline);
    if (finished)
        __tsan_acquire(this);
    return finished;
}

namespace {
// Qt computes its plugin search paths lazily, once, under its own lock, the first time any thread
// loads a plugin (QNetworkAccessManager, QHttpServer); other threads then read the cached strings.
// Computed here, on the main thread before any other starts, that ordering is visible to TSan.
void warmQtCaches() { QCoreApplication::libraryPaths(); }
Q_COREAPP_STARTUP_FUNCTION(warmQtCaches)
} // namespace
