package io.offlineworkerreaper.planted.kubernetes;

import io.offlineworkerreaper.planted.cycle.HighClass;

/** ArchitectureTest's planted back-edge: a low layer using a high one. */
public final class LowClass {
    public String use() {
        return new HighClass().toString();
    }
}
