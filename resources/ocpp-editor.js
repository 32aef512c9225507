/* Editor helpers shared by the node dialogs of node-red-contrib-ocpp-interface. */
(function () {
  'use strict';
  if (window.OcppEditor) {
    return;
  }

  // The layout the flow nodes' dialogs share, after Node-RED's styles and before the dialogs' own (which refine it).
  var here = document.currentScript && document.currentScript.src;
  $('<link rel="stylesheet">')
    .attr('href', (here ? here.replace(/[^/]*$/, '') : 'resources/node-red-contrib-ocpp-interface/') + 'ocpp-editor.css')
    .appendTo('head');

  var actionsMeta = null;
  var stationListGeneration = 0;

  function text(v) {
    return v === undefined || v === null ? '' : String(v);
  }

  // A readable message for a failed admin API request.
  function ajaxError(xhr) {
    var body = xhr && xhr.responseJSON;
    if (body && (body.message || body.error)) {
      return String(body.message || body.error);
    }
    if (xhr && xhr.responseText && xhr.responseText.length < 200) {
      return xhr.responseText;
    }
    return (xhr && xhr.status + ' ' + (xhr.statusText || '')).trim() || '?';
  }

  // The actions of each version, by direction, loaded once per editor session.
  function loadActions() {
    if (actionsMeta) {
      return $.Deferred().resolve(actionsMeta).promise();
    }
    return $.getJSON('ocpp-interface-meta/actions').then(function (meta) {
      actionsMeta = meta || {};
      return actionsMeta;
    });
  }

  // The versions the runtime speaks, in its order (the keys of the actions meta), once loaded.
  function versionList() {
    return actionsMeta ? Object.keys(actionsMeta) : [];
  }

  // How a version is named ("OCPP 2.1"), from the runtime's list.
  function versionLabel(version) {
    return (actionsMeta && actionsMeta[version] && actionsMeta[version].label) || version;
  }

  // direction "station" (CALLs stations send) or "central" (commands): name -> versions that have it.
  function actionsByName(meta, direction) {
    var byName = {};
    Object.keys(meta || {}).forEach(function (version) {
      var list = meta[version] && meta[version][direction];
      if (!Array.isArray(list)) {
        return;
      }
      list.forEach(function (name) {
        name = text(name);
        (byName[name] = byName[name] || []).push(version);
      });
    });
    return byName;
  }

  // Fills a <datalist> with the ids of an interface's stations.
  function loadStationList(interfaceId, datalist) {
    var generation = ++stationListGeneration;
    datalist.empty();
    // A config node the editor does not know yet cannot be deployed: skip the request.
    if (!interfaceId || interfaceId === '_ADD_' || !RED.nodes.node(interfaceId)) {
      return;
    }
    $.getJSON('ocpp-interface/' + encodeURIComponent(interfaceId) + '/stations').done(function (list) {
      if (generation !== stationListGeneration || !Array.isArray(list)) {
        return;
      }
      list
        .map(function (s) {
          return text(s && s.id);
        })
        .sort()
        .forEach(function (id) {
          $('<option></option>').attr('value', id).appendTo(datalist);
        });
    });
  }

  // The station picker offers the ids the chosen interface knows; `alsoOnChange` runs after each change of the interface.
  function pickStations(alsoOnChange) {
    $('#node-input-interface').on('change', function () {
      loadStationList($(this).val(), $('#node-input-station-list'));
      if (alsoOnChange) {
        alsoOnChange();
      }
    });
  }

  // The rows the flow nodes' dialogs share, labelled from each node's own catalogue (one line an element, as in a template).
  function row(lines) {
    return ['<div class="form-row">'].concat(lines, '</div>').join('\n');
  }
  var SHARED_ROWS = {
    interface: function (type) {
      return row([
        '<label for="node-input-interface"><i class="fa fa-plug"></i> <span data-i18n="' + type + '.label.interface"></span></label>',
        '<input type="text" id="node-input-interface">',
      ]);
    },
    station: function (type) {
      return row([
        '<label for="node-input-station"><i class="fa fa-bolt"></i> <span data-i18n="' + type + '.label.station"></span></label>',
        '<input type="text" id="node-input-station" list="node-input-station-list" autocomplete="off" data-i18n="[placeholder]' +
          type +
          '.placeholder.station">',
        '<datalist id="node-input-station-list"></datalist>',
      ]);
    },
    name: function (type) {
      return row([
        '<label for="node-input-name"><i class="fa fa-tag"></i> <span data-i18n="' + type + '.label.name"></span></label>',
        '<input type="text" id="node-input-name" data-i18n="[placeholder]' + type + '.placeholder.name">',
      ]);
    },
  };

  // Completes a flow node's dialog template (its own fields inside one wrapper element): the interface and the
  // station come first, the name last. Node-RED reads the template each time it opens the dialog.
  function addSharedRows(type) {
    var template = $("script[data-template-name='" + type + "']");
    var form = $('<div></div>').html(template.text());
    form
      .children()
      .first()
      .prepend(SHARED_ROWS.interface(type) + '\n' + SHARED_ROWS.station(type) + '\n')
      .append(SHARED_ROWS.name(type) + '\n');
    template.text(form.html());
  }

  // t("label.node") of a node type: its text from the type's catalogue ("<type>.label.node").
  function translator(type) {
    return function (key, opts) {
      return RED.nodes.getType(type)._(type + '.' + key, opts);
    };
  }

  function isBlank(v) {
    return v === undefined || v === null || String(v).trim() === '';
  }

  window.OcppEditor = {
    text: text,
    isBlank: isBlank,
    ajaxError: ajaxError,
    loadActions: loadActions,
    actionsByName: actionsByName,
    loadStationList: loadStationList,
    pickStations: pickStations,
    addSharedRows: addSharedRows,
    translator: translator,
    versionList: versionList,
    versionLabel: versionLabel,
  };
})();
