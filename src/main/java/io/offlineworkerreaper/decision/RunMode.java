package io.offlineworkerreaper.decision;

/**
 * Whether destructive steps act for real in this cycle (bean {@code runMode}): not under {@code reaper.dry-run},
 * nor while an operator paused the reaper ({@link Pause}). Every destructive step of the routes asks it, and so
 * do the audit log, the metrics, the Events and the notices, so that all say "would" together.
 */
public final class RunMode {

    private final boolean dryRunSetting;
    private volatile Pause pause = Pause.NONE;

    public RunMode(boolean dryRunSetting) {
        this.dryRunSetting = dryRunSetting;
    }

    /** True when nothing may be deleted or changed: dry-run, or paused. */
    /** True in dry-run and while paused: every destructive step says what it would do, and does nothing. */
    public boolean dryRunOrPaused() {
        return dryRunSetting || pause.active();
    }

    public Pause pause() {
        return pause;
    }

    /** Set at the start of each cycle from the control ConfigMap. */
    public void pause(Pause now) {
        pause = now;
    }

    /** The word logs and notices use for "would": PAUSED or DRY-RUN. */
    public String label() {
        return pause.active() ? "PAUSED" : "DRY-RUN";
    }
}
