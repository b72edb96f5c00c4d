// The dump() helper several of curl's examples share (debug.c, multi-debugcallback.c,
// http2-download.c...): `size` bytes as hex and text, written to `stream` (an fd).
'use strict';
const fs = require('node:fs');

function dump(text, stream, ptr, size, nohex) {
  let i;
  let c;
  let width = 0x10;
  let out = '';

  if(nohex)
    /* without the hex output, we can fit more on screen */
    width = 0x40;

  out += `${text}, ${String(size).padStart(10, '0')} bytes (0x${size.toString(16).padStart(8, '0')})\n`;

  for(i = 0; i<size; i += width) {
    out += `${i.toString(16).padStart(4, '0')}: `;

    if(!nohex) {
      /* hex not disabled, show it */
      for(c = 0; c < width; c++)
        if(i + c < size)
          out += `${ptr[i + c].toString(16).padStart(2, '0')} `;
        else
          out += '   ';
    }

    for(c = 0; (c < width) && (i + c < size); c++) {
      /* check for 0D0A; if found, skip past and start a new line of output */
      if(nohex && (i + c + 1 < size) && ptr[i + c] == 0x0D &&
         ptr[i + c + 1] == 0x0A) {
        i += (c + 2 - width);
        break;
      }
      out += (ptr[i + c] >= 0x20) && (ptr[i + c]<0x80)?String.fromCharCode(ptr[i + c]):'.';
      /* check again for 0D0A, to avoid an extra \n if it's at width */
      if(nohex && (i + c + 2 < size) && ptr[i + c + 1] == 0x0D &&
         ptr[i + c + 2] == 0x0A) {
        i += (c + 3 - width);
        break;
      }
    }
    out += '\n'; /* newline */
  }
  fs.writeSync(stream, out);
}

module.exports = { dump };
