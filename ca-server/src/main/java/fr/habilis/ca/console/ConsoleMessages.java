package fr.habilis.ca.console;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.messageresolver.IMessageResolver;

/**
 * The console's texts for {@code #{key}} in templates and for Java code: {@code console/messages}
 * (French, the base bundle) and {@code console/messages_en}. Properties bundles are read as UTF-8.
 * No fallback to the JVM's locale: a page is French unless English is asked for.
 */
public final class ConsoleMessages implements IMessageResolver {
  private static final ResourceBundle.Control NO_FALLBACK =
      ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

  public static String get(String language, String key, Object... args) {
    ResourceBundle bundle = ResourceBundle.getBundle("console.messages", locale(language), NO_FALLBACK);
    String pattern;
    try {
      pattern = bundle.getString(key);
    } catch (MissingResourceException e) {
      return "??" + key + "??";
    }
    return args.length == 0 ? pattern : new MessageFormat(pattern, locale(language)).format(args);
  }

  static Locale locale(String language) {
    return "en".equals(language) ? Locale.ENGLISH : Locale.FRENCH;
  }

  @Override
  public String getName() {
    return "habilis-console";
  }

  @Override
  public Integer getOrder() {
    return 0;
  }

  @Override
  public String resolveMessage(ITemplateContext context, Class<?> origin, String key, Object[] params) {
    String language = context.getLocale() != null && "en".equals(context.getLocale().getLanguage()) ? "en" : "fr";
    return get(language, key, params == null ? new Object[0] : params);
  }

  @Override
  public String createAbsentMessageRepresentation(ITemplateContext context, Class<?> origin, String key, Object[] params) {
    return "??" + key + "??";
  }
}
