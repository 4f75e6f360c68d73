package fr.habilis.ca.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The server's logging, set from its configuration at start-up: everything (Habilis's classes
 * through SLF4J, the libraries through SLF4J or java.util.logging, bridged) goes to one Logback
 * console appender on stderr — stdout carries the ready banner and the demo kit — as readable
 * lines ({@code logFormat=text}) or one JSON object per line ({@code json}). Habilis's loggers
 * ({@code fr.habilis.*}, {@code habilis.access}) log at {@code logLevel}; libraries at WARN.
 * {@code logback.xml} gives the same text output to whatever runs without this (tests, tools).
 */
public final class Logging {
  /** Same pattern as logback.xml. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level %logger{36} - %msg%n";

  private Logging() {}

  /** Applies {@code logFormat} and {@code logLevel}; a no-op under another SLF4J backend (an embedding test). */
  public static void configure(HabilisConfig config) {
    bridgeJul();
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext lc)) return;
    lc.reset();
    // Levels set here reach java.util.logging too, so a disabled JUL record is not even built.
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(lc);
    propagator.setResetJUL(true);
    lc.addListener(propagator);
    propagator.start();

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(lc);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(encoder(lc, config.get(Setting.LOG_FORMAT)));
    console.start();

    ch.qos.logback.classic.Logger root = lc.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(console);
    Level own = Level.toLevel(config.get(Setting.LOG_LEVEL), Level.INFO);
    lc.getLogger("fr.habilis").setLevel(own);
    lc.getLogger("habilis").setLevel(own);
  }

  /** java.util.logging records (libraries, the JDK) go to SLF4J instead of JUL's own console handler. */
  public static void bridgeJul() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext lc, String format) {
    if ("json".equals(format)) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(lc);
      // One object per line: time, level, logger, thread, the formatted message, the key-value
      // pairs (the access log's fields) and the stack trace; not the unformatted template again.
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithMessage(false);
      json.setWithArguments(false);
      json.setWithFormattedMessage(true);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(lc);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }
}
