package chat.nexus.web;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a served page points at: its src and href values, and its import map. */
record PageLinks(List<String> references, JsonObject imports, String importMapText) {

  private static final Pattern REFERENCE = Pattern.compile("\\b(?:src|href)=\"([^\"]*)\"");
  private static final Pattern IMPORT_MAP =
      Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);

  static PageLinks of(String html) {
    List<String> references = new ArrayList<>();
    Matcher m = REFERENCE.matcher(html);
    while (m.find()) {
      references.add(m.group(1));
    }
    Matcher map = IMPORT_MAP.matcher(html);
    if (!map.find()) {
      throw new AssertionError("the page has no import map");
    }
    return new PageLinks(
        references, new JsonObject(map.group(1)).getJsonObject("imports"), map.group(1));
  }

  /** Every URL the page makes the browser fetch: its references and the import map's targets. */
  List<String> assetUrls() {
    List<String> urls = new ArrayList<>(references);
    imports.forEach(e -> urls.add((String) e.getValue()));
    return urls;
  }
}
