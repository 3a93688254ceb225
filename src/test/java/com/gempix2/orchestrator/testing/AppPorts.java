package com.gempix2.orchestrator.testing;

/** Where the app under test listens: the free ports {@link SimulatorResource} chose for this start of the app. */
public final class AppPorts {

    private AppPorts() {
    }

    /** The public listener (the webhook route), as a base URL. */
    public static String publicUrl() {
        return "http://127.0.0.1:" + SimulatorResource.ports().http();
    }

    /** The management interface ({@code /q/health}, {@code /q/metrics}, {@code /q/openapi}), as a base URL. */
    public static String management() {
        return "http://127.0.0.1:" + SimulatorResource.ports().management();
    }

    /** The operator API's port. */
    public static int operator() {
        return SimulatorResource.ports().operator();
    }
}
