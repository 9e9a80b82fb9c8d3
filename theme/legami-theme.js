// Only the plugins legami's pages use, each imported from the theme's own sources: importing a plugin
// registers its data API (data-bs-toggle="dropdown", "collapse", "navbarcollapsible"…) on the document,
// as the full bundle does. Add a plugin here when a template starts using one (see README.md).
import init from 'bootstrap-italia/src/js/plugins/init'
import Alert from 'bootstrap-italia/src/js/plugins/alert'
import Button from 'bootstrap-italia/src/js/plugins/button'
import Collapse from 'bootstrap-italia/src/js/plugins/collapse'
import Dropdown from 'bootstrap-italia/src/js/plugins/dropdown'
import Tab from 'bootstrap-italia/src/js/plugins/tab'
import NavBarCollapsible from 'bootstrap-italia/src/js/plugins/navbar-collapsible'
import Input from 'bootstrap-italia/src/js/plugins/input'

init()

// The same global as the full bundle (window.bootstrap), for scripts that call a plugin directly.
window.bootstrap = { Alert, Button, Collapse, Dropdown, Tab, NavBarCollapsible, Input }
