package io.offlineworkerreaper;

/**
 * One Alluxio worker entry read from etcd.
 *
 * @param id   the worker id, the last segment of the key (e.g. worker-0d950643-...)
 * @param key  the full etcd key
 * @param host WorkerNetAddress.Host, or null when the value could not be read
 */
public record WorkerEntry(String id, String key, String host) {
}
