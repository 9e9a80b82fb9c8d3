// Builds legami's share of Bootstrap Italia into legami/static/legami/ (committed):
//   theme.min.css  from legami-theme.scss (the theme's SCSS, only the partials legami uses, plus @font-face)
//   theme.min.js   from legami-theme.js (the theme's plugins legami uses, with Popper)
// `node build.mjs --full` writes the whole theme instead (every partial, plus the fonts; the theme's own bundle) to
// ../.theme-full/ for before/after screenshot comparisons; it is never served.
// Run by a developer (`make theme`), never at install or run time: the runtime needs no Node.
import { build } from 'esbuild'
import * as sass from 'sass'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The licence notice at the top of the built script (the plugins' sources carry theirs as plain comments).
const banner = `/*!
 * legami's share of Bootstrap Italia 2.18.0 (https://italia.github.io/bootstrap-italia/), built by theme/build.mjs
 * Bootstrap Italia: BSD-3-Clause licence, authors at https://github.com/italia/bootstrap-italia/blob/main/AUTHORS
 * Bootstrap (https://getbootstrap.com/): MIT licence. Popper (https://popper.js.org/): MIT licence.
 */`

const here = dirname(fileURLToPath(import.meta.url))
const theme = join(here, 'node_modules', 'bootstrap-italia')
const full = process.argv.includes('--full')
const out = full ? join(here, '..', '.theme-full') : join(here, '..', 'legami', 'static', 'legami')
mkdirSync(out, { recursive: true })

const version = JSON.parse(readFileSync(join(theme, 'package.json'), 'utf8')).version
if (version !== '2.18.0') {
  // The wheel (design-django-theme) serves the fonts and the full files of this exact version.
  throw new Error(`bootstrap-italia ${version} installed, 2.18.0 expected: run npm ci`)
}

const scss = full
  ? readFileSync(join(theme, 'src', 'scss', 'bootstrap-italia.scss'), 'utf8') + "\n@import 'fonts';\n"
  : readFileSync(join(here, 'legami-theme.scss'), 'utf8')
const css = sass.compileString(scss, {
  style: 'compressed',
  loadPaths: [here, join(theme, 'src', 'scss'), join(here, 'node_modules')],
  quietDeps: true,
  silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'mixed-decls'],
  logger: sass.Logger.silent,
})
writeFileSync(join(out, 'theme.min.css'), css.css + '\n')

if (full) {
  // The theme's own bundle, byte for byte the file the wheel serves.
  copyFileSync(join(theme, 'dist', 'js', 'bootstrap-italia.bundle.min.js'), join(out, 'theme.min.js'))
} else {
  await build({
    entryPoints: [join(here, 'legami-theme.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2019'],
    banner: { js: banner },
    legalComments: 'inline',
    define: { 'process.env.NODE_ENV': '"production"' },
    outfile: join(out, 'theme.min.js'),
    logLevel: 'warning',
  })
}
console.log(`theme.min.css and theme.min.js written to ${out}`)
