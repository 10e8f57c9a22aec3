import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Hive's RegexSerDe makes of log lines, with the engine Hive itself uses: run by
 * test/hadoop/os-requests-script.test.ts as `java HiveRegexSerDe.java` (a single-file program: the JDK
 * compiles it in memory, no javac step), one JVM for every line.
 *
 * Input (UTF-8, on stdin): the first line is the `'input.regex'` value exactly as written in the HiveQL
 * script, quotes included; every further line is one log line.
 * Output (UTF-8, on stdout): the first line is `{"regex": <the expression after HiveQL's unescaping>,
 * "groups": <its number of capturing groups>}`; then one line per log line: a JSON array of the captured groups, or `null` when the line does
 * not match (RegexSerDe then yields a row of NULLs).
 *
 * Two steps, as in Hive:
 * 1. HiveQL's parser unescapes the string literal: BaseSemanticAnalyzer.unescapeSQLString
 *    (https://github.com/apache/hive/blob/master/ql/src/java/org/apache/hadoop/hive/ql/parse/BaseSemanticAnalyzer.java),
 *    whose rules `unescape` below follows: `\\` is one backslash, `\n \t \r \b \0 \Z \' \"` the usual
 *    characters, `\%` and `\_` keep their backslash, `\` + three octal digits (first 0 or 1) one byte,
 *    `\`uXXXX a char, and any other escaped character stands for itself (the backslash is dropped).
 * 2. RegexSerDe compiles the value with java.util.regex.Pattern and the DOTALL flag (plus
 *    CASE_INSENSITIVE if input.regex.case.insensitive is set, which the script does not), refuses a table
 *    whose column count differs from the group count, and requires the whole line to match:
 *    `Matcher.matches()`
 *    (https://github.com/apache/hive/blob/master/serde/src/java/org/apache/hadoop/hive/serde2/RegexSerDe.java).
 */
public class HiveRegexSerDe {
  private static final int[] MULTIPLIER = {1000, 100, 10, 1};

  static String unescape(String b) {
    Character enclosure = null;
    StringBuilder sb = new StringBuilder(b.length());
    for (int i = 0; i < b.length(); i++) {
      char c = b.charAt(i);
      if (enclosure == null) {
        if (c == '\'' || c == '"') enclosure = c;
        continue; // characters outside the quotes are ignored
      }
      if (enclosure.equals(c)) {
        enclosure = null;
        continue;
      }
      if (c == '\\' && i + 6 < b.length() && b.charAt(i + 1) == 'u') {
        int code = 0;
        for (int j = 0; j < 4; j++) code += Character.digit(b.charAt(i + 2 + j), 16) * MULTIPLIER[j];
        sb.append((char) code);
        i += 5;
        continue;
      }
      if (c == '\\' && i + 4 < b.length()) {
        char i1 = b.charAt(i + 1), i2 = b.charAt(i + 2), i3 = b.charAt(i + 3);
        if (i1 >= '0' && i1 <= '1' && i2 >= '0' && i2 <= '7' && i3 >= '0' && i3 <= '7') {
          byte value = (byte) ((i3 - '0') + (i2 - '0') * 8 + (i1 - '0') * 64);
          sb.append(new String(new byte[] {value}));
          i += 3;
          continue;
        }
      }
      if (c == '\\' && i + 2 < b.length()) {
        char n = b.charAt(i + 1);
        switch (n) {
          case '0': sb.append('\0'); break;
          case '\'': sb.append('\''); break;
          case '"': sb.append('"'); break;
          case 'b': sb.append('\b'); break;
          case 'n': sb.append('\n'); break;
          case 'r': sb.append('\r'); break;
          case 't': sb.append('\t'); break;
          case 'Z': sb.append('\u001A'); break;
          case '\\': sb.append('\\'); break;
          case '%': sb.append("\\%"); break;
          case '_': sb.append("\\_"); break;
          default: sb.append(n);
        }
        i++;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static String json(String s) {
    if (s == null) return "null";
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    String regex = unescape(in.readLine());
    Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);
    out.println("{\"regex\":" + json(regex) + ",\"groups\":" + pattern.matcher("").groupCount() + "}");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      Matcher m = pattern.matcher(line);
      if (!m.matches()) {
        out.println("null");
        continue;
      }
      StringBuilder row = new StringBuilder("[");
      for (int g = 1; g <= m.groupCount(); g++) row.append(g > 1 ? "," : "").append(json(m.group(g)));
      out.println(row.append(']'));
    }
    out.flush();
  }
}
