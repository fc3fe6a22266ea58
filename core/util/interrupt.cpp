// The interrupt flag: a signal handler that stores the signal number and nothing more.
#include "core/util/interrupt.hpp"

#include <signal.h>

#include <atomic>
#include <string>

#include "core/util/error.hpp"

namespace schemaflip::util {
namespace {

// Lock-free, so reading and writing it is allowed in a signal handler.
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

struct sigaction g_previous_interrupt {};
struct sigaction g_previous_terminate {};

extern "C" void record_signal(int signal_number) { g_signal.store(signal_number); }

}  // namespace

InterruptGuard::InterruptGuard() {
    g_signal.store(0);
    struct sigaction action {};
    action.sa_handler = record_signal;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: a blocking call returns EINTR, so waits notice the signal at once.
    action.sa_flags = 0;
    sigaction(SIGINT, &action, &g_previous_interrupt);
    sigaction(SIGTERM, &action, &g_previous_terminate);
}

InterruptGuard::~InterruptGuard() {
    sigaction(SIGINT, &g_previous_interrupt, nullptr);
    sigaction(SIGTERM, &g_previous_terminate, nullptr);
    g_signal.store(0);
}

bool interrupted() noexcept { return g_signal.load() != 0; }

const char* interrupt_name() noexcept {
    switch (g_signal.load()) {
        case SIGINT:
            return "SIGINT";
        case SIGTERM:
            return "SIGTERM";
        default:
            return "";
    }
}

void throw_if_interrupted(const char* during) {
    if (interrupted()) throw InterruptedError(std::string("interrupted by ") + interrupt_name() + " " + during);
}

}  // namespace schemaflip::util
