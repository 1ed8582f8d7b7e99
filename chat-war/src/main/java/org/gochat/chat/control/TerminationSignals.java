package org.gochat.chat.control;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a task when the process is asked to terminate (SIGTERM: a container runtime, an init system,
 * {@code kill}; SIGINT: Ctrl-C), before the JVM and so the server begin to shut down, then lets the
 * shutdown go on. The hub needs this: when Liberty stops, its transport drops every WebSocket
 * connection as it quiesces, before any application hears that the server is stopping.
 */
final class TerminationSignals implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TerminationSignals.class.getName());

    private record Installed(Signal signal, SignalHandler previous) {
    }

    private final List<Installed> installed = new ArrayList<>();

    TerminationSignals(Runnable beforeShutdown) {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal signal = new Signal(name);
                SignalHandler[] previous = new SignalHandler[1];
                previous[0] = Signal.handle(signal, s -> {
                    try {
                        beforeShutdown.run();
                    } finally {
                        previous[0].handle(s);
                    }
                });
                installed.add(new Installed(signal, previous[0]));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // The JVM does not let the process handle this signal (e.g. -Xrs): no orderly stop on it.
                LOG.log(Level.WARNING, "Cannot handle SIG" + name + "; the chat hub will not stop in order on it", e);
            }
        }
    }

    /** Gives the signals back to the handlers found at install (the application stops; the JVM goes on). */
    @Override
    public void close() {
        installed.forEach(i -> Signal.handle(i.signal(), i.previous()));
        installed.clear();
    }
}
