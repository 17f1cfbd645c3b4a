// @vitest-environment node
// Every user-visible string lives in src/i18n: no Chinese (CJK) character may appear in a .vue or
// .ts file under src/ outside src/i18n/ — in string literals, template text and attributes alike.
// Comments are allowed (they are stripped first by a small tokenizer that knows about strings,
// template literals and regular expressions, so 'https://…' is not mistaken for a comment).
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'

const SRC = resolve(__dirname, '../src')
const CJK = /[\u4E00-\u9FFF\u3000-\u303F\uFF00-\uFFEF]/

/** Replace a range with spaces, keeping newlines so line numbers survive. */
function blank(s: string): string {
  return s.replace(/[^\n]/g, ' ')
}

// After one of these characters (or these keywords) a `/` starts a regular expression.
const REGEX_AFTER = new Set('(,=:[!&|?{};+-*%<>~^'.split(''))
const REGEX_KEYWORDS = /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|delete|void|throw|new|yield|await)$/

/** Strip `//` and `/* *\/` comments from TypeScript/JavaScript, leaving strings intact. */
function stripScriptComments(src: string): string {
  let out = ''
  let i = 0
  const n = src.length
  // Stack of contexts: 'code' (with brace depth) or 'tpl' (inside a template literal).
  const stack: { kind: 'code' | 'tpl'; depth: number }[] = [{ kind: 'code', depth: 0 }]
  let lastSignificant = '' // last non-space code emitted, for regex-vs-division

  const top = () => stack[stack.length - 1]
  const emitCode = (s: string) => {
    out += s
    const trimmed = s.replace(/\s+$/, '')
    if (trimmed) lastSignificant = (lastSignificant + trimmed).slice(-16)
  }

  while (i < n) {
    const c = src[i]
    const ctx = top()
    if (ctx.kind === 'tpl') {
      if (c === '\\') {
        out += src.slice(i, i + 2)
        i += 2
      } else if (c === '`') {
        out += c
        i++
        stack.pop()
        lastSignificant = 'x'
      } else if (c === '$' && src[i + 1] === '{') {
        out += '${'
        i += 2
        stack.push({ kind: 'code', depth: 0 })
        lastSignificant = '{'
      } else {
        out += c
        i++
      }
      continue
    }
    // code
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i)
      const stop = end === -1 ? n : end
      out += blank(src.slice(i, stop))
      i = stop
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2)
      const stop = end === -1 ? n : end + 2
      out += blank(src.slice(i, stop))
      i = stop
    } else if (c === "'" || c === '"') {
      let j = i + 1
      while (j < n && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1
      emitCode(src.slice(i, j + 1))
      lastSignificant = 'x'
      i = j + 1
    } else if (c === '`') {
      out += c
      i++
      stack.push({ kind: 'tpl', depth: 0 })
    } else if (c === '{') {
      ctx.depth++
      emitCode(c)
      i++
    } else if (c === '}') {
      if (ctx.depth === 0 && stack.length > 1) {
        stack.pop() // end of `${ … }`
        out += c
      } else {
        ctx.depth--
        emitCode(c)
      }
      i++
    } else if (
      c === '/' &&
      (lastSignificant === '' ||
        REGEX_AFTER.has(lastSignificant[lastSignificant.length - 1]) ||
        REGEX_KEYWORDS.test(lastSignificant))
    ) {
      // A regular expression literal on one line; if it does not close, treat `/` as division.
      let j = i + 1
      let inClass = false
      let ok = false
      while (j < n && src[j] !== '\n') {
        const d = src[j]
        if (d === '\\') {
          j += 2
          continue
        }
        if (d === '[') inClass = true
        else if (d === ']') inClass = false
        else if (d === '/' && !inClass) {
          ok = true
          break
        }
        j++
      }
      if (ok) {
        emitCode(src.slice(i, j + 1))
        lastSignificant = 'x'
        i = j + 1
      } else {
        emitCode(c)
        i++
      }
    } else {
      emitCode(c)
      i++
    }
  }
  return out
}

/** Strip comments from a single-file component: script comments, `<!-- -->`, CSS comments. */
function stripVueComments(src: string): string {
  let out = ''
  let i = 0
  const block = /<(script|style)\b[^>]*>([\s\S]*?)<\/\1\s*>/gi
  let m: RegExpExecArray | null
  const markup = (s: string) => s.replace(/<!--[\s\S]*?-->/g, blank)
  while ((m = block.exec(src))) {
    out += markup(src.slice(i, m.index))
    const open = m[0].slice(0, m[0].indexOf('>') + 1)
    const close = m[0].slice(open.length + m[2].length)
    const body = m[1].toLowerCase() === 'script' ? stripScriptComments(m[2]) : m[2].replace(/\/\*[\s\S]*?\*\//g, blank)
    out += open + body + close
    i = m.index + m[0].length
  }
  return out + markup(src.slice(i))
}

function sourceFiles(dir: string): string[] {
  const files: string[] = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) {
      if (relative(SRC, full).split(sep)[0] === 'i18n') continue
      files.push(...sourceFiles(full))
    } else if (/\.(vue|ts)$/.test(name)) {
      files.push(full)
    }
  }
  return files
}

describe('comment stripping', () => {
  it('keeps strings, drops comments', () => {
    const src = [
      "const a = 'https://中' // 注释",
      'const b = "/* 字 */" /* 块注释 */',
      'const c = `x${"//"}文${1 / 2}` // 说明',
      'const d = /\\/\\//.test(s) ? 1 / 2 : 3 // 尾',
      'const e = x / y / z // 除',
    ].join('\n')
    const lines = stripScriptComments(src).split('\n')
    expect(lines).toHaveLength(5)
    expect(lines[0].trimEnd()).toBe("const a = 'https://中'")
    expect(lines[1].trimEnd()).toBe('const b = "/* 字 */"')
    expect(lines[2].trimEnd()).toBe('const c = `x${"//"}文${1 / 2}`')
    expect(lines[3].trimEnd()).toBe('const d = /\\/\\//.test(s) ? 1 / 2 : 3')
    expect(lines[4].trimEnd()).toBe('const e = x / y / z')
  })

  it('strips markup comments but not template text', () => {
    const src = '<template>\n<!-- 注释\n多行 -->\n<b title="字">文</b>\n</template>\n<script setup lang="ts">\n// 注释\nconst x = 1\n</script>\n'
    const lines = stripVueComments(src).split('\n')
    expect(lines.length).toBe(src.split('\n').length)
    expect(lines.filter((l) => CJK.test(l))).toEqual(['<b title="字">文</b>'])
  })
})

describe('no Chinese literals outside src/i18n', () => {
  it('every user-visible string comes from the locale files', () => {
    const offenders: string[] = []
    const files = sourceFiles(SRC)
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      const stripped = file.endsWith('.vue') ? stripVueComments(text) : stripScriptComments(text)
      stripped.split('\n').forEach((line, k) => {
        if (CJK.test(line)) offenders.push(`${relative(SRC, file).split(sep).join('/')}:${k + 1}: ${line.trim()}`)
      })
    }
    expect(offenders, `Chinese literals outside src/i18n:\n${offenders.join('\n')}`).toEqual([])
  })
})
