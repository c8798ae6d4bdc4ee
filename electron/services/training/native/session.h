// `dianjin-trainer session`: the long-lived trainer GRPO drives. The base model, the current adapter, its AdamW state
// and a frozen reference copy of the starting adapter stay in memory; one JSON command per line on stdin (logprobs,
// step, save, checkpoint, quit), JSON lines on stdout. The protocol is in README.md.
#pragma once

#include <chrono>
#include <istream>

#include "training.h"

// `s` is set up without data and with the adapter (initAdapter or fresh). Returns the exit status: 0 after quit, EOF
// or a stop signal; 1 after a fatal error (the state in memory can no longer be trusted).
int runSession(Setup & s, std::istream & commands, std::chrono::steady_clock::time_point started);

// The session's SIGTERM / SIGINT handler: while it waits for a command it answers {"type":"stopped",...} and exits
// at once; during a command it lets the command finish first.
extern "C" void onSessionStopSignal(int);
