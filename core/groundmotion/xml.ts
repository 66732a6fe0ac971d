import { InputError } from "../errors.ts";

/**
 * A small non-validating XML reader: elements, attributes, text, comments, CDATA, processing
 * instructions and a DOCTYPE without an internal subset; the five predefined entities and
 * numeric character references. Enough for ShakeMap's grid.xml, whose layout (line breaks,
 * attribute order, column order) varies between versions: it is read as XML, not as lines.
 * Namespace prefixes are kept in names; ShakeMap uses a default namespace, so names are bare.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), concatenated, entities decoded. */
  text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTRIBUTE = /\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function decodeEntities(text: string, where: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|&/g, (match, body: string | undefined) => {
    if (body === undefined) throw new InputError(`${where}: a bare "&" in text (write &amp;)`);
    if (body.startsWith("#x")) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith("#")) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    const entity = ENTITIES[body];
    if (entity === undefined) throw new InputError(`${where}: unknown entity ${match}`);
    return entity;
  });
}

/** Parses a document and returns its root element; malformed XML is an InputError naming `source`. */
export function parseXml(xml: string, source = "XML"): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  const fail = (problem: string): never => {
    const line = xml.slice(0, at).split("\n").length;
    throw new InputError(`${source}: not well-formed XML at line ${line}: ${problem}`, { file: source });
  };
  const skipPast = (terminator: string, what: string) => {
    const end = xml.indexOf(terminator, at);
    if (end < 0) fail(`unterminated ${what}`);
    const body = xml.slice(at, end);
    at = end + terminator.length;
    return body;
  };
  while (at < xml.length) {
    const open = xml.indexOf("<", at);
    const text = xml.slice(at, open < 0 ? xml.length : open);
    if (text.trim() !== "") {
      if (stack.length === 0) fail("text outside the root element");
      stack[stack.length - 1].text += decodeEntities(text, source);
    }
    if (open < 0) break;
    at = open;
    if (xml.startsWith("<!--", at)) {
      at += 4;
      skipPast("-->", "comment");
    } else if (xml.startsWith("<![CDATA[", at)) {
      at += 9;
      const body = skipPast("]]>", "CDATA section");
      if (stack.length === 0) fail("CDATA outside the root element");
      stack[stack.length - 1].text += body;
    } else if (xml.startsWith("<?", at)) {
      skipPast("?>", "processing instruction");
    } else if (xml.startsWith("<!DOCTYPE", at)) {
      if (xml.slice(at, xml.indexOf(">", at)).includes("[")) fail("DOCTYPE with an internal subset");
      skipPast(">", "DOCTYPE");
    } else if (xml.startsWith("</", at)) {
      at += 2;
      const name = readName();
      skipPast(">", "end tag");
      const element = stack.pop();
      if (!element || element.name !== name)
        fail(`</${name}> does not close <${element?.name ?? "nothing"}>`);
    } else {
      at += 1;
      const element: XmlElement = { name: readName(), attributes: {}, children: [], text: "" };
      for (;;) {
        ATTRIBUTE.lastIndex = at;
        const match = ATTRIBUTE.exec(xml);
        if (!match) break;
        if (match[1] in element.attributes) fail(`attribute ${match[1]} given twice`);
        element.attributes[match[1]] = decodeEntities(match[3] ?? match[4], source);
        at = ATTRIBUTE.lastIndex;
      }
      while (/\s/.test(xml[at] ?? "")) at++;
      const selfClosing = xml.startsWith("/>", at);
      if (!selfClosing && xml[at] !== ">")
        fail(`unexpected "${xml.slice(at, at + 10)}" in <${element.name}>`);
      at += selfClosing ? 2 : 1;
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else if (root) fail("a second root element");
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1].name}> is not closed`);
  if (!root) fail("no root element");
  return root as XmlElement;

  function readName(): string {
    NAME.lastIndex = at;
    const match = NAME.exec(xml);
    if (!match) fail("expected a tag name");
    at = NAME.lastIndex;
    return (match as RegExpExecArray)[0];
  }
}

/** Child elements named `name` (namespace prefix ignored). */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name || child.name.endsWith(`:${name}`));
}
