package io.offlineworkerreaper.planted.cycle;

/** ArchitectureTest's planted back-edge: the high layer a low one uses. */
public final class HighClass {
}
