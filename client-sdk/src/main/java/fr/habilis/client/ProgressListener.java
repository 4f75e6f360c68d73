package fr.habilis.client;

/**
 * Told of each step of a long operation, so that a UI or the CLI can show a progress line.
 * Called on the thread running the operation; keep it quick.
 */
public interface ProgressListener {
  /** The steps of an order, in the order they happen ({@link #RETRYING} at any point). */
  enum Step { KEY_GENERATED, ORDER_CREATED, FINALIZING, WAITING, DOWNLOADING, ISSUED, RETRYING }

  /** A listener that ignores everything. */
  ProgressListener NONE = (step, message) -> { };

  void progress(Step step, String message);
}
