#!/usr/bin/env node
// curl's docs/examples/externalsocket.c (7.88.1): libcurl runs a transfer over a socket
// the program made and connected itself (OPENSOCKETFUNCTION hands it over, SOCKOPTFUNCTION
// says it is connected, CLOSESOCKETFUNCTION leaves closing it to the program). The socket
// is a GSocket from curlio's GIO binding, connected with connectSync as C's connect().
//   node examples/c/externalsocket.js [IPADDR] [PORTNUM]
'use strict';
const fs = require('node:fs');
const { Socket, SocketFamily, SocketType, SocketProtocol, InetSocketAddress } = require('curlio');
const {
  CURLOPT_CLOSESOCKETDATA, CURLOPT_CLOSESOCKETFUNCTION, CURLOPT_NOPROGRESS, CURLOPT_OPENSOCKETDATA,
  CURLOPT_OPENSOCKETFUNCTION, CURLOPT_SOCKOPTFUNCTION, CURLOPT_URL, CURLOPT_VERBOSE, CURLOPT_WRITEDATA,
  CURLOPT_WRITEFUNCTION, CURL_SOCKOPT_ALREADY_CONNECTED,
  curl_easy_cleanup, curl_easy_init, curl_easy_perform, curl_easy_setopt,
} = require('curlio/libcurl');

let IPADDR = '127.0.0.1';
let PORTNUM = 80;
const printf = (text) => process.stdout.write(text);

function write_data(ptr, stream) {
  const written = fs.writeSync(stream, ptr); /* fwrite(ptr, size, nmemb, stdout) */
  return written;
}

function closecb(clientp, item) {
  void clientp;
  printf(`libcurl wants to close ${item} now\n`);
  return 0;
}

function opensocket(clientp, purpose, address) {
  let sockfd;
  void purpose;
  void address;

  sockfd = clientp.value;
  /* the actual externally set socket is passed in via the OPENSOCKETDATA
     option */
  return sockfd;
}

function sockopt_callback(clientp, curlfd, purpose) {
  void clientp;
  void curlfd;
  void purpose;
  /* This return code was added in libcurl 7.21.5 */
  return CURL_SOCKOPT_ALREADY_CONNECTED;
}

function main(argv = process.argv.slice(2)) {
  let curl;
  let res;
  let socket;
  const sockfd = { value: -1 };

  if (argv[0]) IPADDR = argv[0];
  if (argv[1]) PORTNUM = Number(argv[1]);

  curl = curl_easy_init();
  if(curl) {
    /*
     * Note that libcurl will internally think that you connect to the host
     * and port that you specify in the URL option.
     */
    curl_easy_setopt(curl, CURLOPT_URL, 'http://99.99.99.99:9999');

    /* Create the socket "manually" */
    socket = new Socket(SocketFamily.IPV4, SocketType.STREAM, SocketProtocol.DEFAULT);
    sockfd.value = socket.fd;

    try {
      socket.connectSync(new InetSocketAddress(IPADDR, PORTNUM));
    } catch (error) {
      socket.close();
      printf(`client error: connect: ${error.message}\n`);
      return 1;
    }

    /* no progress meter please */
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 1);

    /* send all data to this function  */
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, 1); /* stdout, as C's default WRITEDATA */

    /* call this function to get a socket */
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, opensocket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, sockfd);

    /* call this function to close sockets */
    curl_easy_setopt(curl, CURLOPT_CLOSESOCKETFUNCTION, closecb);
    curl_easy_setopt(curl, CURLOPT_CLOSESOCKETDATA, sockfd);

    /* call this function to set options for the socket */
    curl_easy_setopt(curl, CURLOPT_SOCKOPTFUNCTION, sockopt_callback);

    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1);

    res = curl_easy_perform(curl);

    curl_easy_cleanup(curl);

    socket.close();

    if(res) {
      printf(`libcurl error: ${res}\n`);
      return 4;
    }
  }
  return 0;
}

module.exports = main;
if (require.main === module) process.exitCode = main();
