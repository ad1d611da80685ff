<?xml version="1.0" encoding="utf-8"?>{% load i18n static %}{% get_current_language as LANGUAGE_CODE %}
<!-- A browser opening one of the Atom feeds shows this page: what a feed is, how to follow it,
     and its latest entries. Feed readers ignore it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/atom:feed">
    <html lang="{{ LANGUAGE_CODE }}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="atom:title"/></title>
        <link rel="icon" href="data:,"/>
        <link rel="stylesheet" href="{% static 'recommendations/tracker.css' %}"/>
      </head>
      <body>
        <main id="content" class="feed-page">
          <p class="feed-kind">{% translate "Atom feed" %}</p>
          <h1><xsl:value-of select="atom:title"/></h1>
          <p class="lead"><xsl:value-of select="atom:subtitle"/></p>
          <section class="feed-follow" aria-labelledby="how-to-follow">
            <h2 id="how-to-follow">{% translate "How to follow it" %}</h2>
            <p>{% translate "This page is a feed: a feed reader checks it for you and shows each new progress update as it is published. No account or e-mail address is needed." %}</p>
            <ol>
              <li>{% translate "Copy this address:" %} <code class="feed-address"><xsl:value-of select="atom:link[@rel='self']/@href"/></code></li>
              <li>{% translate "Paste it into your feed reader (for example Feedly, Inoreader, NetNewsWire or Thunderbird) where it asks for a feed or a subscription." %}</li>
            </ol>
            <p>{% translate "Prefer e-mail? Every page of the tracker offers e-mail alerts too." %}
              <a><xsl:attribute name="href"><xsl:value-of select="atom:link[@rel='alternate']/@href"/></xsl:attribute>{% translate "Back to the page this feed follows" %}</a></p>
          </section>
          <section aria-labelledby="latest-entries">
            <h2 id="latest-entries">{% translate "Latest progress updates" %}</h2>
            <xsl:choose>
              <xsl:when test="atom:entry">
                <ol class="feed-entries">
                  <xsl:for-each select="atom:entry">
                    <li>
                      <h3><a><xsl:attribute name="href"><xsl:value-of select="atom:link/@href"/></xsl:attribute><xsl:value-of select="atom:title"/></a></h3>
                      <p class="feed-date"><time><xsl:attribute name="datetime"><xsl:value-of select="substring(atom:published, 1, 10)"/></xsl:attribute><xsl:value-of select="substring(atom:published, 1, 10)"/></time></p>
                      <!-- The summary is HTML the tracker escaped itself (views/feeds.py). -->
                      <p><xsl:value-of select="atom:summary" disable-output-escaping="yes"/></p>
                    </li>
                  </xsl:for-each>
                </ol>
              </xsl:when>
              <xsl:otherwise><p class="empty">{% translate "No progress update yet." %}</p></xsl:otherwise>
            </xsl:choose>
          </section>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
