package dev.parley.chat.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.history.HistoryStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The store a server with metrics calls stands in for the application's store in every way: a
 * method of {@link HistoryStore} it did not override would answer with the interface's default
 * instead of the store's own (as bans once did: "keeps no bans" from a store that keeps them).
 */
class MeteredStoreTest {

  @Test
  void overridesEveryMethodOfHistoryStore() {
    List<String> missing = Arrays.stream(HistoryStore.class.getMethods())
        .filter(m -> !Modifier.isStatic(m.getModifiers()))
        .filter(m -> !overridden(m))
        .map(m -> m.getName() + Arrays.toString(m.getParameterTypes()))
        .collect(Collectors.toList());
    assertThat(missing).as("HistoryStore methods MeteredStore leaves to the interface").isEmpty();
  }

  private static boolean overridden(Method method) {
    try {
      MeteredStore.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
