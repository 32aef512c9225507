/* The ocpp-interface dialog's live parts: the versions it offers, the connection checks and the URL stations
   connect to, the station registry with its commissioning log, and the sessions. Loaded by nodes/ocpp-interface.html. */
(function () {
  'use strict';
  if (window.OcppInterfaceDialog) {
    return;
  }

  // eslint-disable-next-line no-control-regex -- control characters are what a station id may not hold
  var STATION_ID = /^[^:/\u0000-\u001f\u007f]{1,48}$/;
  var LOG_REFRESH_MS = 2000;
  var SESSIONS_SHOWN = 50;

  // The shared helpers of resources/ocpp-editor.js (Node-RED may run that file after this one).
  function text(v) {
    return OcppEditor.text(v);
  }
  function isBlank(v) {
    return OcppEditor.isBlank(v);
  }
  function ajaxError(xhr) {
    return OcppEditor.ajaxError(xhr);
  }

  function t(key, opts) {
    return RED.nodes.getType('ocpp-interface')._('ocpp-interface.' + key, opts);
  }

  // Stations connect to <path>/<stationId>; a trailing slash typed so far is not doubled.
  function pathPrefix(path) {
    var p = isBlank(path) ? '/ocpp' : String(path).trim();
    if (p.charAt(0) !== '/') {
      p = '/' + p;
    }
    return p.replace(/\/+$/, '');
  }

  function nodeRoot() {
    var root = (RED.settings && RED.settings.httpNodeRoot) || '/';
    if (typeof root !== 'string') {
      root = '/';
    }
    if (root.charAt(0) !== '/') {
      root = '/' + root;
    }
    return root.replace(/\/+$/, '');
  }

  function stationUrl(port, path, hasTls) {
    if (!isBlank(port)) {
      return (hasTls ? 'wss' : 'ws') + '://' + location.hostname + ':' + String(port).trim() + pathPrefix(path) + '/';
    }
    return (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + nodeRoot() + pathPrefix(path) + '/';
  }

  function formatTime(v, short) {
    if (isBlank(v)) {
      return '';
    }
    var d = new Date(v);
    if (isNaN(d.getTime())) {
      return String(v);
    }
    return short ? d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : d.toLocaleString();
  }

  // The tables' cells and buttons: labels from the catalogue, station-provided strings as text.
  function button(cls, icon, labelKey, iconOnly) {
    var b = $('<button type="button" class="red-ui-button red-ui-button-small"></button>').addClass(cls);
    $('<i></i>')
      .addClass('fa ' + icon)
      .appendTo(b);
    if (iconOnly) {
      b.attr({ title: t(labelKey), 'aria-label': t(labelKey) });
    } else {
      b.append(document.createTextNode(' ' + t(labelKey)));
    }
    return b;
  }

  function emptyRow(tbody, columns, key) {
    $("<tr class='ocpp-empty-row'></tr>")
      .append($('<td></td>').attr('colspan', columns).text(t(key)))
      .appendTo(tbody);
  }

  function timeCell(cls, value) {
    var td = $('<td></td>').addClass(cls).text(formatTime(value, true));
    if (!isBlank(value)) {
      td.attr('title', formatTime(value));
    }
    return td;
  }

  // Versions: one checkbox per version the runtime speaks (ids by its digits: version-16, -201, -21);
  // the checkboxes drive the hidden multi-select the editor saves and validates.
  function versions(node) {
    function syncVersions() {
      var chosen = [];
      $('#node-config-ocpp-versions input[type=checkbox]').each(function () {
        if (this.checked) {
          chosen.push(this.value);
        }
      });
      $('#node-config-input-versions').val(chosen).trigger('change');
      var none = chosen.length === 0;
      $('#node-config-ocpp-versions').toggleClass('input-error', none);
      $('#node-config-ocpp-versions-error').toggle(none);
    }
    OcppEditor.loadActions().then(
      function () {
        var all = OcppEditor.versionList();
        var versions = Array.isArray(node.versions) && node.versions.length ? node.versions : all;
        var group = $('#node-config-ocpp-versions').empty();
        var hidden = $('#node-config-input-versions').empty();
        all.forEach(function (v) {
          var id = 'node-config-input-version-' + v.replace(/[^0-9]/g, '');
          var label = $('<label></label>').attr('for', id).appendTo(group);
          $('<input type="checkbox" class="ocpp-checkbox">')
            .attr('id', id)
            .val(v)
            .prop('checked', versions.indexOf(v) !== -1)
            .appendTo(label);
          label.append(document.createTextNode(OcppEditor.versionLabel(v)));
          $('<option></option>').val(v).text(OcppEditor.versionLabel(v)).appendTo(hidden);
        });
        group.find('input[type=checkbox]').on('change', syncVersions);
        syncVersions();
        // assumeVersion offers the same versions; its value is set again once they are options
        var assume = $('#node-config-input-assumeVersion');
        assume.find("option[value!='']").remove();
        all.forEach(function (v) {
          $('<option></option>').val(v).text(OcppEditor.versionLabel(v)).appendTo(assume);
        });
        assume.val(node.assumeVersion || '');
      },
      function (xhr) {
        RED.notify(ajaxError(xhr), 'error');
      },
    );
  }

  // The connection tab: the TLS row and the security profiles' tips follow the port, the URL follows all of them.
  function connection() {
    function hasTls() {
      var v = $('#node-config-input-tls').val();
      return !!v && v !== '_ADD_';
    }
    function updateConnection() {
      var port = $('#node-config-input-port').val();
      var ownPort = !isBlank(port);
      $('#node-config-ocpp-tls-row').toggle(ownPort);
      $('#node-config-ocpp-tls-shared-tip').toggle(!ownPort);
      var basic = $('#node-config-input-security').val() === 'basic';
      var secure = ownPort ? hasTls() : location.protocol === 'https:';
      $('#node-config-ocpp-security-tip').toggle(basic);
      $('#node-config-ocpp-security-notls').toggle(basic && !secure);
      var required = $('#node-config-input-clientCertificates').val() === 'required';
      var profile3Possible = ownPort && hasTls();
      $('#node-config-ocpp-client-certificates-required').toggle(required);
      $('#node-config-ocpp-client-certificates-error').toggle(required && !profile3Possible);
      $('#node-config-input-clientCertificates').toggleClass('input-error', required && !profile3Possible);
      var url = stationUrl(port, $('#node-config-input-path').val(), ownPort && hasTls());
      $('#node-config-input-url').val(url);
      $('#node-config-ocpp-url-example').text(url + 'CP001');
    }
    $('#node-config-input-port, #node-config-input-path').on('change keyup input', updateConnection);
    $('#node-config-input-tls, #node-config-input-security, #node-config-input-clientCertificates').on('change', updateConnection);
    updateConnection();

    $('#node-config-ocpp-copy-url').on('click', function (e) {
      e.preventDefault();
      copyText($('#node-config-input-url').val());
    });
    RED.popover.tooltip($('#node-config-ocpp-copy-url'), t('url.copy'));

    function copyText(value) {
      function done() {
        RED.notify(t('url.copied'), { type: 'success', timeout: 2000 });
      }
      function fallback() {
        var input = $('#node-config-input-url')[0];
        var ok;
        try {
          input.focus();
          input.select();
          ok = document.execCommand('copy');
        } catch (err) {
          ok = false;
        }
        if (ok) {
          done();
        } else {
          RED.notify(t('url.copyFailed'), { type: 'warning', timeout: 3000 });
        }
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(value).then(done, fallback);
      } else {
        fallback();
      }
    }
  }

  // Station registry: live data from the deployed interface, not part of the flow.
  function stations(node) {
    var apiBase = 'ocpp-interface/' + encodeURIComponent(node.id);
    var loadGeneration = 0;

    function showMessage(message, isError) {
      var box = $('#node-config-ocpp-stations-message');
      if (!message) {
        box.hide().text('');
        return;
      }
      box.text(message).toggleClass('ocpp-message-error', !!isError).show();
    }
    function setDeployed(deployed) {
      $('#node-config-ocpp-not-deployed').toggle(!deployed);
      $('#node-config-ocpp-registry').toggle(deployed);
    }

    function loadRegistry() {
      var generation = ++loadGeneration;
      // A node that is still being added cannot be deployed: no request, no 404.
      if (!RED.nodes.node(node.id)) {
        setDeployed(false);
        return;
      }
      $.getJSON(apiBase + '/stations')
        .done(function (list) {
          if (generation !== loadGeneration) {
            return;
          }
          setDeployed(true);
          renderStations(list);
        })
        .fail(function (xhr) {
          if (generation !== loadGeneration) {
            return;
          }
          if (xhr.status === 404) {
            setDeployed(false);
          } else {
            showMessage(t('stations.failed', { error: ajaxError(xhr) }), true);
          }
        });
      $.getJSON(apiBase + '/rejected')
        .done(function (list) {
          if (generation !== loadGeneration) {
            return;
          }
          renderRejected(list);
        })
        .fail(function (xhr) {
          if (generation !== loadGeneration) {
            return;
          }
          if (xhr.status !== 404) {
            showMessage(t('stations.failed', { error: ajaxError(xhr) }), true);
          }
        });
    }

    function saveStation(body, successKey) {
      return $.ajax({
        url: apiBase + '/stations',
        method: 'POST',
        contentType: 'application/json',
        data: JSON.stringify(body),
      })
        .done(function () {
          showMessage(t(successKey, { id: body.id }), false);
          loadRegistry();
        })
        .fail(function (xhr) {
          if (xhr.status === 404 && !xhr.responseJSON) {
            setDeployed(false);
          }
          showMessage(t('stations.failed', { error: ajaxError(xhr) }), true);
        });
    }

    function removeStation(id) {
      return $.ajax({
        url: apiBase + '/stations/' + encodeURIComponent(id),
        method: 'DELETE',
      })
        .done(function () {
          showMessage(t('stations.removed', { id: id }), false);
          loadRegistry();
        })
        .fail(function (xhr) {
          showMessage(t('stations.failed', { error: ajaxError(xhr) }), true);
        });
    }

    function openPasswordRow(tr, id) {
      tr.siblings('.ocpp-station-password-row').remove();
      var row = $("<tr class='ocpp-station-password-row'></tr>").attr('data-station', id).insertAfter(tr);
      var cell = $("<td colspan='8'></td>").appendTo(row);
      var pw = $('<input type="password" class="ocpp-station-password-input" autocomplete="new-password">')
        .attr('placeholder', t('stations.newPassword'))
        .appendTo(cell);
      function submit() {
        var value = pw.val();
        if (!value) {
          showMessage(t('stations.emptyPassword'), true);
          return;
        }
        saveStation({ id: id, password: value }, 'stations.passwordSet');
      }
      button('ocpp-station-password-save', 'fa-check', 'stations.save')
        .appendTo(cell)
        .on('click', function (e) {
          e.preventDefault();
          submit();
        });
      button('ocpp-station-password-cancel', 'fa-times', 'stations.cancel')
        .appendTo(cell)
        .on('click', function (e) {
          e.preventDefault();
          row.remove();
        });
      pw.on('keydown', function (e) {
        if (e.key === 'Enter') {
          e.preventDefault();
          submit();
        }
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          row.remove();
        }
      });
      pw.trigger('focus');
    }

    function renderStations(list) {
      var tbody = $('#node-config-ocpp-stations > tbody').empty();
      list = Array.isArray(list) ? list.slice() : [];
      if (list.length === 0) {
        emptyRow(tbody, 8, 'stations.empty');
        return;
      }
      list.sort(function (a, b) {
        return text(a.id).localeCompare(text(b.id));
      });
      list.forEach(function (s) {
        var id = text(s.id);
        var tr = $("<tr class='ocpp-station-row'></tr>").attr('data-station', id).appendTo(tbody);
        var details = [];
        if (!isBlank(s.serialNumber)) {
          details.push(t('stations.serialNumber') + ': ' + s.serialNumber);
        }
        if (Array.isArray(s.connectors)) {
          details.push(t('stations.connectors') + ': ' + s.connectors.length);
        }
        if (!isBlank(s.addedBy)) {
          details.push(t('stations.addedBy') + ': ' + s.addedBy);
        }
        if (!isBlank(s.firstSeen)) {
          details.push(t('stations.firstSeen') + ': ' + formatTime(s.firstSeen));
        }

        $("<td class='ocpp-station-id'></td>").text(id).attr('title', details.join('\n')).appendTo(tr);
        var state = t(s.connected ? 'stations.yes' : 'stations.no');
        var connected = $("<td class='ocpp-station-connected'></td>")
          .attr({ 'data-connected': s.connected ? 'true' : 'false', title: state })
          .appendTo(tr);
        $('<i></i>')
          .addClass(s.connected ? 'fa fa-circle ocpp-online' : 'fa fa-circle-o ocpp-offline')
          .appendTo(connected);
        $("<span class='ocpp-sr-only'></span>").text(state).appendTo(connected);
        $("<td class='ocpp-station-version'></td>").text(text(s.version)).appendTo(tr);
        $("<td class='ocpp-station-vendor'></td>").text(text(s.vendor)).appendTo(tr);
        $("<td class='ocpp-station-model'></td>").text(text(s.model)).appendTo(tr);
        $("<td class='ocpp-station-firmware'></td>").text(text(s.firmwareVersion)).appendTo(tr);
        timeCell('ocpp-station-lastseen', s.lastSeen).appendTo(tr);

        var cell = $("<td class='ocpp-row-actions'></td>").appendTo(tr);
        button('ocpp-station-log', 'fa-list-alt', 'log.open', true)
          .appendTo(cell)
          .on('click', function (e) {
            e.preventDefault();
            if (openLog === id) {
              closeLog();
            } else {
              openLogRow(tr, id);
            }
          });
        button('ocpp-station-password', 'fa-key', 'stations.setPassword', true)
          .appendTo(cell)
          .on('click', function (e) {
            e.preventDefault();
            openPasswordRow(tr, id);
          });
        button('ocpp-station-remove', 'fa-trash', 'stations.remove', true)
          .appendTo(cell)
          .on('click', function (e) {
            e.preventDefault();
            removeStation(id);
          });
        if (openLog === id) {
          openLogRow(tr, id);
        }
      });
    }

    // The commissioning view: one station's last frames, newest at the bottom, refreshed while open.
    var openLog = null;
    var logTimer = null;
    var logGeneration = 0;
    function closeLog() {
      openLog = null;
      logGeneration++;
      if (logTimer) {
        clearInterval(logTimer);
        logTimer = null;
      }
      $('#node-config-ocpp-stations tr.ocpp-station-log-row').remove();
    }
    function openLogRow(tr, id) {
      closeLog();
      openLog = id;
      var row = $("<tr class='ocpp-station-log-row'></tr>").attr('data-station', id).insertAfter(tr);
      var cell = $("<td colspan='8'></td>").appendTo(row);
      var head = $("<div class='ocpp-log-head'></div>").appendTo(cell);
      $('<b></b>')
        .text(t('log.title', { id: id }))
        .appendTo(head);
      button('ocpp-station-log-close', 'fa-times', 'log.close')
        .appendTo(head)
        .on('click', function (e) {
          e.preventDefault();
          closeLog();
        });
      var repairs = $("<div class='ocpp-log-repairs'></div>").appendTo(cell);
      var refused = $("<div class='ocpp-log-refused'></div>").appendTo(cell);
      var frames = $("<div class='ocpp-log-frames'></div>").appendTo(cell);
      var generation = logGeneration;
      var base = apiBase + '/stations/' + encodeURIComponent(id);
      function refresh() {
        if (generation !== logGeneration) {
          return;
        }
        if (!document.body.contains(row[0])) {
          closeLog();
          return;
        }
        $.getJSON(base).done(function (s) {
          if (generation !== logGeneration) {
            return;
          }
          var kinds = Object.keys(s.repairs || {});
          repairs.text(
            kinds.length
              ? t('log.repairs', {
                  list: kinds
                    .map(function (k) {
                      return t('log.repair.' + k) + ': ' + s.repairs[k];
                    })
                    .join(', '),
                })
              : t('log.noRepairs'),
          );
          refused.empty();
          if (s.lastRefused) {
            refused.append(
              $('<span></span>').text(
                t('log.lastRefused', {
                  count: s.refused || 0,
                  time: formatTime(s.lastRefused.time),
                  code: text(s.lastRefused.code),
                  description: text(s.lastRefused.description),
                }),
              ),
            );
            $("<pre class='ocpp-log-refused-frame'></pre>").text(text(s.lastRefused.frame)).appendTo(refused);
          } else {
            refused.text(t('log.noneRefused', { count: s.refused || 0 }));
          }
        });
        $.getJSON(base + '/log')
          .done(function (entries) {
            if (generation !== logGeneration) {
              return;
            }
            var el = frames[0];
            var atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 20;
            frames.empty();
            if (!Array.isArray(entries) || entries.length === 0) {
              frames.append($("<div class='ocpp-log-empty'></div>").text(t('log.empty')));
              return;
            }
            entries.forEach(function (e) {
              var line = $("<div class='ocpp-log-entry'></div>").attr('data-direction', e.direction === 'out' ? 'out' : 'in');
              $("<span class='ocpp-log-time'></span>").text(formatTime(e.time)).appendTo(line);
              $("<span class='ocpp-log-direction'></span>")
                .text(t(e.direction === 'out' ? 'log.out' : 'log.in'))
                .appendTo(line);
              $("<span class='ocpp-log-frame'></span>").text(text(e.frame)).appendTo(line);
              frames.append(line);
            });
            if (atBottom || !frames.data('shown')) {
              el.scrollTop = el.scrollHeight;
            }
            frames.data('shown', true);
          })
          .fail(function (xhr) {
            if (generation !== logGeneration) {
              return;
            }
            frames.empty().append($("<div class='ocpp-log-empty'></div>").text(t('stations.failed', { error: ajaxError(xhr) })));
          });
      }
      refresh();
      logTimer = setInterval(refresh, LOG_REFRESH_MS);
    }

    function renderRejected(list) {
      var tbody = $('#node-config-ocpp-rejected > tbody').empty();
      list = Array.isArray(list) ? list.slice() : [];
      if (list.length === 0) {
        emptyRow(tbody, 5, 'stations.rejectedEmpty');
        return;
      }
      list.forEach(function (r) {
        var id = text(r.id);
        var tr = $("<tr class='ocpp-rejected-row'></tr>").attr('data-station', id).appendTo(tbody);
        $("<td class='ocpp-rejected-id'></td>").text(id).appendTo(tr);
        $("<td class='ocpp-rejected-address'></td>").text(text(r.address)).appendTo(tr);
        timeCell('ocpp-rejected-time', r.time).appendTo(tr);
        $("<td class='ocpp-rejected-reason'></td>").text(text(r.reason)).appendTo(tr);
        var cell = $("<td class='ocpp-row-actions'></td>").appendTo(tr);
        button('ocpp-rejected-approve', 'fa-check', 'stations.approve')
          .appendTo(cell)
          .on('click', function (e) {
            e.preventDefault();
            saveStation({ id: id }, 'stations.approved');
          });
      });
    }

    function addStation() {
      var id = $('#node-config-ocpp-add-id').val().trim();
      var password = $('#node-config-ocpp-add-password').val();
      if (!STATION_ID.test(id)) {
        showMessage(t('stations.invalidId'), true);
        return;
      }
      var body = { id: id };
      if (password) {
        body.password = password;
      }
      saveStation(body, 'stations.added').done(function () {
        $('#node-config-ocpp-add-id').val('');
        $('#node-config-ocpp-add-password').val('');
      });
    }
    $('#node-config-ocpp-add').on('click', function (e) {
      e.preventDefault();
      addStation();
    });
    $('#node-config-ocpp-add-id, #node-config-ocpp-add-password').on('keydown', function (e) {
      if (e.key === 'Enter') {
        e.preventDefault();
        addStation();
      }
    });
    $('#node-config-ocpp-refresh').on('click', function (e) {
      e.preventDefault();
      showMessage('');
      loadRegistry();
    });

    return { load: loadRegistry };
  }

  // Sessions: the latest records of the deployed interface, and all of them as CSV.
  function sessions(node) {
    var apiBase = 'ocpp-interface/' + encodeURIComponent(node.id);
    function sessionsQuery(extra) {
      var station = $('#node-config-ocpp-sessions-station').val().trim();
      var q = station ? 'station=' + encodeURIComponent(station) : '';
      return (
        apiBase +
        '/sessions?' +
        [q, extra]
          .filter(function (x) {
            return !!x;
          })
          .join('&')
      );
    }
    function showSessionsMessage(message) {
      var box = $('#node-config-ocpp-sessions-message');
      if (!message) {
        box.hide().text('');
        return;
      }
      box.text(message).addClass('ocpp-message-error').show();
    }
    function sessionsDeployed(deployed) {
      $('#node-config-ocpp-sessions-not-deployed').toggle(!deployed);
      $('#node-config-ocpp-sessions-list, #node-config-ocpp-sessions-csv').toggle(deployed);
    }
    function renderSessions(list) {
      var tbody = $('#node-config-ocpp-sessions > tbody').empty();
      list = Array.isArray(list) ? list : [];
      if (list.length === 0) {
        emptyRow(tbody, 7, 'sessions.empty');
        return;
      }
      list.forEach(function (r) {
        var tr = $("<tr class='ocpp-session-row'></tr>").attr('data-session', text(r.id)).appendTo(tbody);
        timeCell('ocpp-session-start', r.start || r.stop).appendTo(tr);
        $("<td class='ocpp-session-station'></td>").text(text(r.station)).appendTo(tr);
        $("<td class='ocpp-session-connector'></td>").text(text(r.connector)).appendTo(tr);
        $("<td class='ocpp-session-idtag'></td>").text(text(r.idTag)).appendTo(tr);
        $("<td class='ocpp-session-energy'></td>")
          .text(r.energy === null || r.energy === undefined ? '' : t('sessions.kWh', { value: (r.energy / 1000).toFixed(2) }))
          .appendTo(tr);
        $("<td class='ocpp-session-duration'></td>")
          .text(r.duration === null || r.duration === undefined ? '' : t('sessions.minutes', { value: Math.round(r.duration / 60) }))
          .appendTo(tr);
        $("<td class='ocpp-session-status'></td>")
          .text(t('sessions.statuses.' + r.status))
          .appendTo(tr);
      });
    }
    function loadSessions() {
      if (!RED.nodes.node(node.id)) {
        sessionsDeployed(false);
        return;
      }
      $.getJSON(sessionsQuery('limit=' + SESSIONS_SHOWN))
        .done(function (list) {
          sessionsDeployed(true);
          showSessionsMessage('');
          renderSessions(list);
        })
        .fail(function (xhr) {
          if (xhr.status === 404) {
            sessionsDeployed(false);
          } else {
            showSessionsMessage(t('stations.failed', { error: ajaxError(xhr) }));
          }
        });
    }
    // Fetched with the editor's credentials, then saved from memory: a plain link would lack the admin token.
    function downloadCsv() {
      $.ajax({ url: sessionsQuery('format=csv'), dataType: 'text' })
        .done(function (csv) {
          var url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
          var a = $('<a></a>').attr({ href: url, download: 'sessions.csv' }).appendTo(document.body);
          a[0].click();
          a.remove();
          setTimeout(function () {
            URL.revokeObjectURL(url);
          }, 1000);
        })
        .fail(function (xhr) {
          showSessionsMessage(t('stations.failed', { error: ajaxError(xhr) }));
        });
    }
    $('#node-config-ocpp-sessions-refresh').on('click', function (e) {
      e.preventDefault();
      loadSessions();
    });
    $('#node-config-ocpp-sessions-csv').on('click', function (e) {
      e.preventDefault();
      downloadCsv();
    });
    $('#node-config-ocpp-sessions-station').on('keydown', function (e) {
      if (e.key === 'Enter') {
        e.preventDefault();
        loadSessions();
      }
    });

    return { load: loadSessions };
  }

  // A log left open stops refreshing once its row is gone.
  function closeLogs() {
    $('#node-config-ocpp-stations tr.ocpp-station-log-row').remove();
  }

  window.OcppInterfaceDialog = { versions: versions, connection: connection, stations: stations, sessions: sessions, closeLogs: closeLogs };
})();
