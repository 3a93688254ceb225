package com.gempix2.orchestrator.local;

import java.util.Arrays;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Runs a main class of the test classpath as a process of the local run ({@code Standalone <main class> <args>}),
 * with the logging a process needs outside Quarkus: INFO and above on standard output (the run sends it to
 * {@code .work/logs/<name>.log}), the broker's chatter at WARN. The JVM runs with JBoss LogManager as its
 * {@code java.util.logging} manager ({@link Launched}), so this one configuration takes JUL, SLF4J and
 * {@code System.Logger} alike.
 */
public final class Standalone {

    private Standalone() {
    }

    public static void main(String[] args) throws Exception {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.addHandler(new ConsoleHandler(ConsoleHandler.Target.SYSTEM_OUT,
                new PatternFormatter("%d{HH:mm:ss,SSS} %-5p [%c] (%t) %s%e%n")));
        root.setLevel(Level.INFO);
        for (String chatty : new String[]{"kafka", "org.apache.kafka", "state.change.logger"}) {
            Logger.getLogger(chatty).setLevel(Level.WARNING);
        }
        Class.forName(args[0]).getMethod("main", String[].class)
                .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}
