package fr.habilis.ca.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * The events of one logger (and its children) at {@code level} and above, kept in memory while
 * open; the logger's level is restored on close. Tests read what the server logged through it.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level before;
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender;

  private LogCapture(String name, Level level) {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    this.logger = lc.getLogger(name);
    this.before = logger.getLevel();
    this.appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        e.prepareForDeferredProcessing();
        events.add(e);
      }
    };
    appender.setContext(lc);
    appender.setName("capture-" + name);
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(level);
  }

  public static LogCapture of(Class<?> type, Level level) {
    return new LogCapture(type.getName(), level);
  }

  public static LogCapture of(String loggerName, Level level) {
    return new LogCapture(loggerName, level);
  }

  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  public List<ILoggingEvent> atLeast(Level level) {
    return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(level)).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(before);
  }
}
