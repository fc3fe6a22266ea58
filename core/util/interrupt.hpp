// SIGINT/SIGTERM as a flag that long operations check between steps and while they wait, so a run that is
// interrupted can undo what it created instead of dying half way.
#pragma once

namespace schemaflip::util {

// While one is alive, SIGINT and SIGTERM only set the interrupt flag (the handler does nothing else, so it
// is async-signal-safe); the previous dispositions come back when it goes away. Construction clears the
// flag. One at a time: a command that can clean up after itself holds one for its whole run.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// Whether SIGINT or SIGTERM arrived since the guard was made; false without a guard.
bool interrupted() noexcept;
// The signal's name ("SIGINT", "SIGTERM"), or "" when none arrived.
const char* interrupt_name() noexcept;
// Throws InterruptedError naming `during` when a signal arrived.
void throw_if_interrupted(const char* during);

}  // namespace schemaflip::util
